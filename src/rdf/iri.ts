/** An absolute http(s) IRI without the characters IRIs may not hold (RFC 3987: spaces, <>"{}|\^`). */
export function isHttpIri(value: string): boolean {
  return /^https?:\/\/[^\s<>"{}|\\^`]+$/.test(value);
}
