import pg from "pg";

/**
 * adapter-pg cannot deserialize Postgres catalog column types (upstream prisma#27403), which the
 * migration engine reads. Report them as text / text[] so the adapter handles them.
 */
const AS_TEXT = new Set([18, 19, 22, 24, 28, 30, 194, 2205, 2206, 4089]);
const AS_TEXT_ARRAY = new Set([1002, 1003]);
const TEXT = 25;
const TEXT_ARRAY = 1009;

type FieldLike = { dataTypeID: number };

function remapFields(result: unknown): void {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: FieldLike[] } | undefined)?.fields;
    if (!fields) continue;
    for (const f of fields) {
      if (AS_TEXT.has(f.dataTypeID)) f.dataTypeID = TEXT;
      else if (AS_TEXT_ARRAY.has(f.dataTypeID)) f.dataTypeID = TEXT_ARRAY;
    }
  }
}

/** A pg.Client whose results describe catalog types as text (promise and callback forms). */
export class CatalogSafeClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's query has many overloads; we forward them untouched
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const callback = last as (err: Error | null, res: unknown) => void;
      args[args.length - 1] = (err: Error | null, res: unknown) => {
        if (!err) remapFields(res);
        callback(err, res);
      };
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
      return (super.query as any)(...args);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
    const out = (super.query as any)(...args);
    if (out && typeof out.then === "function") {
      return out.then((res: unknown) => {
        remapFields(res);
        return res;
      });
    }
    return out;
  }
}
