import type { ClassInfo, CodeScheme, OntologyModel, PropertyInfo } from './OntologyModel.js';

/** Questions the generators ask of the model. */
export class ModelQueries {
  private readonly classes: Map<string, ClassInfo>;
  private readonly schemes: Map<string, CodeScheme>;
  private readonly properties: Map<string, PropertyInfo>;

  constructor(readonly model: OntologyModel) {
    this.classes = new Map(model.classes.map((c) => [c.iri, c]));
    this.schemes = new Map(model.schemes.map((s) => [s.iri, s]));
    this.properties = new Map(model.properties.map((p) => [p.iri, p]));
  }

  classOf(iri: string): ClassInfo {
    const c = this.classes.get(iri);
    if (!c) throw new Error(`unknown class ${iri}`);
    return c;
  }

  scheme(iri: string): CodeScheme {
    const s = this.schemes.get(iri);
    if (!s) throw new Error(`unknown code list ${iri}`);
    return s;
  }

  property(iri: string): PropertyInfo {
    const p = this.properties.get(iri);
    if (!p) throw new Error(`unknown property ${iri}`);
    return p;
  }

  /** The class and all its ancestors within the ontology. */
  lineage(iri: string): string[] {
    const seen: string[] = [];
    const visit = (c: string): void => {
      if (seen.includes(c) || !this.classes.has(c)) return;
      seen.push(c);
      this.classOf(c).superClasses.forEach(visit);
    };
    visit(iri);
    return seen;
  }

  /** Properties a record of the class may carry, inherited ones included, in display order. */
  propertiesOf(classIri: string): PropertyInfo[] {
    const lineage = new Set(this.lineage(classIri));
    return this.model.properties.filter((p) => p.domains.some((d) => lineage.has(d)));
  }

  /** Whether every record of the class must hold the property. */
  isRequired(property: PropertyInfo, classIri: string): boolean {
    if (property.required || (property.minCount ?? 0) > 0) return true;
    const lineage = this.lineage(classIri);
    return property.requiredFor.some((c) => lineage.includes(c));
  }

  /** Classes that hold records of their own (not abstract), in name order. */
  concreteClasses(): ClassInfo[] {
    return this.model.classes.filter((c) => !c.abstract);
  }

  /** Concrete classes at or below the given class. */
  concreteSubclasses(classIri: string): ClassInfo[] {
    return this.concreteClasses().filter((c) => this.lineage(c.iri).includes(classIri));
  }

  activeCodes(schemeIri: string): string[] {
    return this.scheme(schemeIri).concepts.filter((c) => c.active).map((c) => c.iri);
  }

  /** The notation of a code IRI, for messages and JSON. */
  notationOf(codeIri: string): string | undefined {
    for (const s of this.model.schemes) {
      const c = s.concepts.find((k) => k.iri === codeIri);
      if (c) return c.notation;
    }
    return undefined;
  }
}
