import toNT from '@rdfjs/to-ntriples';

/**
 * shacl-engine's message templates (lib/Result.js): each argument replaces the first `{$name}` and the first
 * `{?name}`, terms written as N-Triples, with String.prototype.replace's own rules for `$` in the replacement.
 * The compiled validator fills messages the same way, so that its messages are shacl-engine's.
 */
export function resolveVariables(message: string, args: Record<string, unknown>): string {
  return Object.entries(args).reduce((m, [name, value]) => {
    const replacement = (value && (value as { termType?: string }).termType ? toNT(value) : value) as string;
    return m.replace(`{$${name}}`, replacement).replace(`{?${name}}`, replacement);
  }, message);
}
