import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalDocumentLoader, type DocumentLoader } from '../rdf/documentLoader.js';
import { FMAR, FMAR_CONTEXT_URL } from '../rdf/namespaces.js';
import { parseTurtle } from '../rdf/readTurtle.js';
import { ShaclValidator } from './ShaclValidator.js';

/** The generated artefacts a validating process needs, read once from shapes/. */
export interface FmarValidation {
  validator: ShaclValidator;
  /** Property IRI -> JSON name (from the context), as the validator reports fields. */
  fieldNames: Map<string, string>;
  documentLoader: DocumentLoader;
  context: { '@context': Record<string, unknown> };
}

export async function loadFmarValidation(shapesDir: string): Promise<FmarValidation> {
  const context = JSON.parse(await readFile(join(shapesDir, 'context.jsonld'), 'utf8')) as FmarValidation['context'];
  const shapes = parseTurtle(await readFile(join(shapesDir, 'fmar-shapes.ttl'), 'utf8'), 'https://w3id.org/fmar/shapes');
  const fieldNames = fieldNamesOf(context);
  const validator = new ShaclValidator(shapes, { fieldNames });
  return { validator, fieldNames, documentLoader: createLocalDocumentLoader({ [FMAR_CONTEXT_URL]: context }), context };
}

/** Property IRI -> JSON name, read back from the generated context. */
function fieldNamesOf(context: FmarValidation['context']): Map<string, string> {
  const names = new Map<string, string>();
  for (const [term, definition] of Object.entries(context['@context'])) {
    const id = typeof definition === 'object' && definition !== null ? (definition as { '@id'?: string })['@id'] : undefined;
    if (id?.startsWith('fmar:')) names.set(FMAR + id.slice('fmar:'.length), term);
  }
  return names;
}
