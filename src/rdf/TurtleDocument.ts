import { RDF, XSD } from './namespaces.js';
import { turtleIri, turtleString } from './turtleText.js';

/**
 * A Turtle document built from plain values and written out in exactly the order it was built, so that
 * generated files are byte-for-byte stable (no blank node labels: nested nodes are written inline).
 */
export type TurtleValue =
  | { iri: string }
  | { literal: string; datatype?: string; language?: string }
  | { blank: TurtleProps }
  | { list: TurtleValue[] };
export type TurtleProps = [predicate: string, object: TurtleValue | TurtleValue[]][];

export const iri = (value: string): TurtleValue => ({ iri: value });
export const str = (value: string, language?: string): TurtleValue => ({ literal: value, language });
export const typed = (value: string, datatype: string): TurtleValue => ({ literal: value, datatype });
export const int = (value: number): TurtleValue => ({ literal: String(value), datatype: `${XSD}integer` });
export const bool = (value: boolean): TurtleValue => ({ literal: String(value), datatype: `${XSD}boolean` });
export const blank = (props: TurtleProps): TurtleValue => ({ blank: props });
export const list = (items: TurtleValue[]): TurtleValue => ({ list: items });

const PN_LOCAL = /^[A-Za-z_0-9][A-Za-z_0-9-]*$/;

export class TurtleDocument {
  private readonly blocks: string[] = [];
  private readonly prefixes: [string, string][];

  constructor(prefixes: Record<string, string>) {
    // Longest namespace first, so the most specific prefix wins.
    this.prefixes = Object.entries(prefixes).sort((a, b) => b[1].length - a[1].length);
    this.header = Object.entries(prefixes).map(([p, ns]) => `@prefix ${p}: ${turtleIri(ns)} .`).join('\n');
  }

  private readonly header: string;

  comment(text: string): this {
    this.blocks.push(text.split('\n').map((line) => `# ${line}`.trimEnd()).join('\n'));
    return this;
  }

  subject(subjectIri: string, props: TurtleProps): this {
    this.blocks.push(`${this.term(subjectIri)} ${this.props(props, 1)} .`);
    return this;
  }

  toString(): string {
    return `${this.header}\n\n${this.blocks.join('\n\n')}\n`;
  }

  private predicate(value: string): string {
    return value === `${RDF}type` ? 'a' : this.term(value);
  }

  private term(value: string): string {
    for (const [prefix, ns] of this.prefixes) {
      if (value.startsWith(ns) && PN_LOCAL.test(value.slice(ns.length))) return `${prefix}:${value.slice(ns.length)}`;
    }
    return turtleIri(value);
  }

  private props(props: TurtleProps, depth: number): string {
    const indent = '    '.repeat(depth);
    return props
      .map(([p, o]) => {
        const objects = (Array.isArray(o) ? o : [o]).map((v) => this.value(v, depth));
        // Long object lists (a node shape's properties) go one per line, so diffs stay readable.
        return `${this.predicate(p)} ${objects.join(objects.length > 3 ? ` ,\n${indent}    ` : ' , ')}`;
      })
      .join(` ;\n${indent}`);
  }

  private value(v: TurtleValue, depth: number): string {
    if ('iri' in v) return this.term(v.iri);
    if ('list' in v) return `( ${v.list.map((item) => this.value(item, depth + 1)).join(' ')} )`;
    if ('blank' in v) {
      const indent = '    '.repeat(depth + 1);
      return `[\n${indent}${this.props(v.blank, depth + 1)}\n${'    '.repeat(depth)}]`;
    }
    if (v.language) return turtleString(v.literal, v.language);
    const dt = v.datatype ?? `${XSD}string`;
    if (dt === `${XSD}string`) return turtleString(v.literal);
    if (dt === `${XSD}integer` && /^-?[0-9]+$/.test(v.literal)) return v.literal;
    if (dt === `${XSD}decimal` && /^-?[0-9]+\.[0-9]+$/.test(v.literal)) return v.literal;
    if (dt === `${XSD}boolean` && /^(true|false)$/.test(v.literal)) return v.literal;
    return `${turtleString(v.literal)}^^${this.term(dt)}`;
  }
}
