export type Log = (msg: string, fields?: object) => void;

const COLOURS: Record<string, string> = {
  c4e: "1",
  postgres: "34",
  mqtt: "35",
  chain: "33",
  ingest: "32",
  indexer: "36",
  web: "94",
  simulator: "90",
};

/** A logger that prefixes each line with its component: `[ingest] stored batch accepted=12`. */
export function createLog(component: string): Log {
  const colour = process.stdout.isTTY ? COLOURS[component] : undefined;
  const prefix = colour ? `\x1b[${colour}m[${component}]\x1b[0m` : `[${component}]`;
  return (msg, fields) => {
    const extra = fields
      ? ` ${Object.entries(fields)
          .map(
            ([k, v]) =>
              `${k}=${typeof v === "bigint" ? v.toString() : typeof v === "object" ? JSON.stringify(v) : v}`,
          )
          .join(" ")}`
      : "";
    process.stdout.write(`${prefix} ${msg}${extra}\n`);
  };
}

/** The URL without its password, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
