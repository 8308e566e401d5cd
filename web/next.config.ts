import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages export TypeScript sources.
  transpilePackages: [
    "@c4e/billing",
    "@c4e/contracts",
    "@c4e/domain",
    "@c4e/indexer",
    "@c4e/ingest",
    "@c4e/prisma",
    "@c4e/property",
    "@c4e/retail",
  ],
  // Native/Node-only drivers stay outside the server bundle.
  serverExternalPackages: ["pg", "@prisma/client", "@prisma/adapter-pg", "mqtt", "exceljs", "pdfkit"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default config;
