declare module 'rdf-validation' {
  /** The XSD lexical-form checks shacl-engine applies for sh:datatype (the part FMAR uses). */
  export class XsdValidation {
    constructor(options?: Record<string, unknown>);
    validations: { get(datatype: unknown): { validateSimple(term: unknown): boolean } | undefined };
    validateSimple(term: unknown): boolean;
  }
}
declare module '@rdfjs/to-ntriples' {
  export default function toNT(term: unknown): string;
}
