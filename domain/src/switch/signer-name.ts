/** A signer's name as stored and signed: trimmed, runs of white space as one space. */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, " ");

/**
 * True when the name typed at signing is the draft's name: compared without case and with runs of
 * white space as one space.
 * @example sameSignerName(" erika  MUSTERMANN", "Erika Mustermann") // true
 */
export const sameSignerName = (typed: string, drafted: string): boolean =>
  normalizeName(typed).toLowerCase() === normalizeName(drafted).toLowerCase();
