/** Small helpers to validate JSON input and report every problem with its field path. */
import { DECIMAL_PATTERN, dec } from "./money.ts";
import { parseLocalDate } from "./local-time.ts";

export type FieldError = { path: string; message: string };
export type ParseResult<T, K extends string> =
  ({ ok: true } & { [P in K]: T }) | { ok: false; errors: FieldError[] };

export class Validator {
  readonly errors: FieldError[] = [];

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  object(path: string, value: unknown, allowed: readonly string[]): Record<string, unknown> | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.error(path, "must be an object");
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key))
        this.error(join(path, key), `unknown field (allowed: ${allowed.join(", ")})`);
    }
    return record;
  }

  array(path: string, value: unknown, opts: { min?: number; max?: number } = {}): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.error(path, "must be an array");
      return undefined;
    }
    if (opts.min !== undefined && value.length < opts.min)
      this.error(path, `needs at least ${opts.min} entries`);
    if (opts.max !== undefined && value.length > opts.max)
      this.error(path, `allows at most ${opts.max} entries`);
    return value;
  }

  string(path: string, value: unknown): string | undefined {
    if (typeof value !== "string" || value.length === 0) {
      this.error(path, "must be a non-empty string");
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(path: string, value: unknown, options: readonly T[]): T | undefined {
    if (typeof value !== "string" || !(options as readonly string[]).includes(value)) {
      this.error(path, `must be one of ${options.join(", ")} (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value as T;
  }

  boolean(path: string, value: unknown): boolean | undefined {
    if (typeof value !== "boolean") {
      this.error(path, "must be true or false");
      return undefined;
    }
    return value;
  }

  integer(path: string, value: unknown, min: number): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      this.error(path, `must be an integer ≥ ${min}`);
      return undefined;
    }
    return value;
  }

  /** A decimal string; `nonNegative` refuses values below zero. */
  decimal(
    path: string,
    value: unknown,
    opts: { nonNegative?: boolean; positive?: boolean } = {},
  ): string | undefined {
    if (typeof value !== "string" || !DECIMAL_PATTERN.test(value)) {
      this.error(path, `must be a decimal string like "0.25" (got ${JSON.stringify(value)})`);
      return undefined;
    }
    if (opts.nonNegative === true && dec(value).isNegative() && !dec(value).isZero()) {
      this.error(path, `must not be negative (got ${value})`);
      return undefined;
    }
    if (opts.positive === true && !dec(value).greaterThan(0)) {
      this.error(path, `must be greater than zero (got ${value})`);
      return undefined;
    }
    return value;
  }

  date(path: string, value: unknown): string | undefined {
    if (typeof value !== "string" || parseLocalDate(value) === undefined) {
      this.error(path, `must be a calendar date YYYY-MM-DD (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value;
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}
