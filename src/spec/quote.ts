/**
 * Quoting user input inside error messages. Whatever the input (a 50 MB trace field, a JSON
 * value, a control character), the quote is one line of at most QUOTE_MAX characters, so an error
 * about a huge or hostile value stays readable.
 */

/** Longest quote of user input in a message, in characters (ellipsis included). */
export const QUOTE_MAX = 80;

/** `s` cut to `max` characters with an ellipsis and the full length, escaped to one line. */
function shorten(s: string, max: number): string {
  const oneLine = JSON.stringify(s).slice(1, -1);
  if (oneLine.length <= max) return oneLine;
  return `${oneLine.slice(0, max - 1)}… (${s.length} characters)`;
}

/** A string as `"text"`, shortened and on one line. */
export function quote(s: string, max = QUOTE_MAX): string {
  return `"${shorten(s, max)}"`;
}

/**
 * Any value as it was given: strings quoted, numbers and booleans as written (Infinity and NaN
 * included, which JSON cannot show), objects and arrays as shortened JSON.
 */
export function quoteValue(v: unknown, max = QUOTE_MAX): string {
  if (typeof v === 'string') return quote(v, max);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null || v === undefined) return String(v);
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return shorten(text, max).replace(/\\"/g, '"');
}
