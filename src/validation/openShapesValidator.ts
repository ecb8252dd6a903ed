import type { Quad } from 'n3';
import { UnsupportedShapesError } from './CompiledShapes.js';
import { CompiledValidator } from './CompiledValidator.js';
import { ShaclValidator } from './ShaclValidator.js';
import type { ShaclEngineName } from './shaclEngineName.js';
import type { ValidationReport } from './ValidationReport.js';

/** A validator of either engine: a record's quads in, the report out. */
export interface ShapesValidator {
  validate(quads: Quad[]): Promise<ValidationReport>;
  /** The report without awaiting, when the engine can give it so (the compiled one, without SPARQL). */
  validateSync?(quads: Quad[]): ValidationReport | undefined;
}

/**
 * The validator of the requested engine. When the shapes use SHACL the compiler does not support, it warns
 * (naming what) and returns shacl-engine instead: the registry still validates every rule.
 */
export function openShapesValidator(
  requested: ShaclEngineName,
  shapes: Quad[],
  fieldNames: Map<string, string>,
  warn: (message: string) => void = () => undefined,
): { engine: ShaclEngineName; validator: ShapesValidator } {
  if (requested === 'compiled') {
    try {
      return { engine: 'compiled', validator: new CompiledValidator(shapes, { fieldNames }) };
    } catch (error) {
      if (!(error instanceof UnsupportedShapesError)) throw error;
      warn(`SHACL shapes not compiled, validating with shacl-engine instead: ${error.message}`);
    }
  }
  return { engine: 'shacl-engine', validator: new ShaclValidator(shapes, { fieldNames }) };
}
