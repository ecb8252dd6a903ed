import { readFile } from 'node:fs/promises';
import { Parser, Store, type Quad } from 'n3';

/** Parses Turtle (or N-Triples) text; the base IRI resolves relative IRIs and is named in parse errors. */
export function parseTurtle(text: string, baseIRI = 'urn:fmar:input'): Quad[] {
  return new Parser({ baseIRI }).parse(text);
}

/** Loads several Turtle files into one store (the ontology and its code lists, a shapes graph...). */
export async function loadTurtleFiles(paths: string[]): Promise<Store> {
  const store = new Store();
  for (const path of paths) {
    try {
      store.addQuads(parseTurtle(await readFile(path, 'utf8'), `file://${path}`));
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
  }
  return store;
}
