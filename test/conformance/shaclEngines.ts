import { DataFactory, Store, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { ShaclValidator } from '../../src/validation/ShaclValidator.js';

/** The two candidate SHACL engines behind one call, so the suite and the benchmark treat them alike. */
export interface EngineRun {
  conforms: boolean;
  quads: Quad[];
}

export interface ShaclEngine {
  name: string;
  compile(shapes: Quad[]): (data: Quad[] | Store) => Promise<EngineRun>;
}

/** The engine the registry uses, exactly as configured in src/validation/ShaclValidator.ts. */
export const shaclEngine: ShaclEngine = {
  name: 'shacl-engine',
  compile(shapes) {
    const validator = new ShaclValidator(shapes);
    return async (data) => validator.validateToGraph(data);
  },
};

export const rdfValidateShacl: ShaclEngine = {
  name: 'rdf-validate-shacl',
  compile(shapes) {
    const validator = new SHACLValidator(new Store(shapes) as never);
    return async (data) => {
      const report = await validator.validate((data instanceof Store ? data : new Store(data)) as never);
      return { conforms: report.conforms, quads: [...(report.dataset as Iterable<Quad>)].map((q) => DataFactory.quad(q.subject, q.predicate, q.object, q.graph)) };
    };
  },
};
