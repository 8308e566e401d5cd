/** "19.00" → "19", "0.250000" → "0.25": numeric columns come back padded to their scale. */
export function trimDecimal(text: string): string {
  if (!text.includes(".")) return text;
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

/** A JS Date of a Postgres `date` column read as text (YYYY-MM-DD). */
export function isoDate(value: string | Date): string {
  if (typeof value === "string") return value.slice(0, 10);
  return value.toISOString().slice(0, 10);
}
