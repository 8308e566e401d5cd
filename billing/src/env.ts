// The billing command line's configuration, read once here (nothing else reads process.env).

export type BillingConfig = { databaseUrl: string };

export class BillingConfigError extends Error {
  override name = "BillingConfigError";
}

/** DATABASE_URL, or the embedded Postgres of `npm start` on PG_PORT (default 15432). */
export function loadBillingConfig(env: NodeJS.ProcessEnv = process.env): BillingConfig {
  const port = env.PG_PORT ?? "15432";
  if (!/^\d{1,5}$/.test(port)) throw new BillingConfigError(`PG_PORT: not a port: ${port}`);
  const url = env.DATABASE_URL || `postgresql://postgres:postgres@127.0.0.1:${port}/c4e`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BillingConfigError(`DATABASE_URL: not a URL`);
  }
  if (!["postgres:", "postgresql:"].includes(parsed.protocol)) {
    throw new BillingConfigError(
      `DATABASE_URL: must be postgres:// or postgresql:// (got ${parsed.protocol})`,
    );
  }
  return { databaseUrl: url };
}
