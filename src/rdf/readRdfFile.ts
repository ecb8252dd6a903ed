import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Parser, type Quad } from 'n3';
import type { DocumentLoader } from './documentLoader.js';
import { JsonLdSyntaxError, jsonLdToQuads } from './jsonLdToQuads.js';

/** RDF syntaxes the registry reads from files, chosen by extension. */
export const RDF_FILE_FORMATS: Record<string, string> = {
  '.jsonld': 'JSON-LD',
  '.json': 'JSON-LD',
  '.ttl': 'Turtle',
  '.nt': 'N-Triples',
  '.nq': 'N-Quads',
};

export async function readRdfFile(path: string, documentLoader: DocumentLoader): Promise<Quad[]> {
  const format = RDF_FILE_FORMATS[extname(path).toLowerCase()];
  if (!format) throw new Error(`${path}: unknown RDF file type; use one of ${Object.keys(RDF_FILE_FORMATS).join(', ')}`);
  const text = await readFile(path, 'utf8');
  if (format === 'JSON-LD') {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new JsonLdSyntaxError(`${path}: not valid JSON: ${(error as Error).message}`);
    }
    return jsonLdToQuads(document, documentLoader);
  }
  try {
    return new Parser({ format, baseIRI: `file://${path}` }).parse(text);
  } catch (error) {
    throw new Error(`${path}: ${format} syntax error: ${(error as Error).message}`);
  }
}
