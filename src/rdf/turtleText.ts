/**
 * Helpers for writing Turtle as text, for generators whose output must be byte-for-byte stable.
 * JSON string escapes (\" \\ \n \t \b \f \r \uXXXX) are all valid Turtle string escapes (RDF 1.1 Turtle §6.4).
 */
export function turtleString(value: string, language?: string): string {
  return JSON.stringify(value) + (language ? `@${language}` : '');
}

export function turtleIri(iri: string): string {
  if (/[\u0000-\u0020<>"{}|^`\\]/u.test(iri)) throw new Error(`not a valid IRI for Turtle: ${iri}`);
  return `<${iri}>`;
}

/** Writes `@prefix` lines in the given order. */
export function turtlePrefixes(prefixes: Record<string, string>): string {
  return Object.entries(prefixes)
    .map(([prefix, ns]) => `@prefix ${prefix}: ${turtleIri(ns)} .`)
    .join('\n');
}
