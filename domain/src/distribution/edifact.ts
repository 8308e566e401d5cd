/**
 * UN/EDIFACT syntax (ISO 9735) for market messages: the UNA service string advice, segments split
 * on the segment terminator, data elements and components split on their separators, each honouring
 * the release character (`?'` is a literal apostrophe, `?+` a literal plus). Every segment keeps its
 * number in the interchange and its character position, so errors can name both.
 */

/** The separators of an interchange (UNA, or the ISO 9735 defaults `:+.? '`). */
export type EdifactSyntax = {
  component: string;
  element: string;
  decimalMark: string;
  release: string;
  terminator: string;
};

export const DEFAULT_SYNTAX: EdifactSyntax = {
  component: ":",
  element: "+",
  decimalMark: ".",
  release: "?",
  terminator: "'",
};

export type EdifactSegment = {
  tag: string;
  /** Data elements, each a list of components, release characters removed. */
  elements: string[][];
  /** 1-based number of the segment in the interchange (UNA not counted). */
  number: number;
  /** 1-based character position of the segment's first character in the text. */
  position: number;
};

/** A syntax error in an EDIFACT interchange or message, naming the segment and its position. */
export class EdifactError extends Error {
  override readonly name = "EdifactError";
  constructor(
    readonly segment: string,
    readonly segmentNumber: number,
    readonly position: number,
    detail: string,
  ) {
    super(`segment ${segmentNumber} ${segment} at character ${position}: ${detail}`);
  }
}

/** Splits an interchange into segments; refuses an unterminated segment or a malformed tag. */
export function parseEdifactSegments(text: string): { syntax: EdifactSyntax; segments: EdifactSegment[] } {
  let syntax = DEFAULT_SYNTAX;
  // A UTF-8 byte-order mark is skipped; positions still count it, so they match the file.
  let i = text.startsWith("\uFEFF") ? 1 : 0;
  if (text.startsWith("UNA", i)) {
    if (text.length < i + 9)
      throw new EdifactError("UNA", 0, i + 1, "the service string advice needs 6 characters");
    syntax = {
      component: text[i + 3]!,
      element: text[i + 4]!,
      decimalMark: text[i + 5]!,
      release: text[i + 6]!,
      terminator: text[i + 8]!,
    };
    i += 9;
  }
  const segments: EdifactSegment[] = [];
  const isSpace = (c: string) => c === "\n" || c === "\r" || c === " " || c === "\t";
  while (i < text.length) {
    while (i < text.length && isSpace(text[i]!)) i++;
    if (i >= text.length) break;
    const position = i + 1;
    const number = segments.length + 1;
    const elements: string[][] = [[""]];
    let terminated = false;
    // Tokens are sliced from the text; only a release character or a line break inside a token
    // makes us assemble it piecewise (`carried`), which keeps long interchanges fast.
    let tokenStart = i;
    let carried = "";
    const take = (end: number): string => {
      const token = carried + text.slice(tokenStart, end);
      carried = "";
      return token;
    };
    for (; i < text.length; i++) {
      const c = text[i]!;
      const el = elements[elements.length - 1]!;
      if (c === syntax.release) {
        if (i + 1 >= text.length)
          throw new EdifactError("?", number, i + 1, "release character at the end of the text");
        carried += text.slice(tokenStart, i) + text[i + 1]!;
        i++;
        tokenStart = i + 1;
      } else if (c === syntax.terminator) {
        el[el.length - 1] = take(i);
        i++;
        terminated = true;
        break;
      } else if (c === syntax.element) {
        el[el.length - 1] = take(i);
        elements.push([""]);
        tokenStart = i + 1;
      } else if (c === syntax.component) {
        el[el.length - 1] = take(i);
        el.push("");
        tokenStart = i + 1;
      } else if (c === "\n" || c === "\r") {
        // line breaks between or inside segments are not data (some senders wrap lines)
        carried += text.slice(tokenStart, i);
        tokenStart = i + 1;
      }
    }
    if (!terminated) {
      const el = elements[elements.length - 1]!;
      el[el.length - 1] = take(text.length);
    }
    const [head, ...rest] = elements;
    const tag = head!.join(syntax.component);
    if (!/^[A-Z]{3}$/.test(tag))
      throw new EdifactError(
        JSON.stringify(tag.slice(0, 12)),
        number,
        position,
        "a segment tag is three capital letters",
      );
    if (!terminated)
      throw new EdifactError(tag, number, position, `not terminated by ${JSON.stringify(syntax.terminator)}`);
    segments.push({ tag, elements: rest, number, position });
  }
  return { syntax, segments };
}

/** Component `c` (0-based) of data element `e` (0-based) of a segment, or "" when absent. */
export function edifactComponent(segment: EdifactSegment, e: number, c = 0): string {
  return segment.elements[e]?.[c] ?? "";
}
