import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Quad } from 'n3';
import { parseTurtle } from '../rdf/readTurtle.js';
import { codeCatalogueToSkos, gspGroupsToSkos } from './codeCatalogue.js';
import { generateContext } from './contextGenerator.js';
import { generateDocs } from './docsGenerator.js';
import { readGspGroups } from './gspGroups.js';
import { generateJsonSchemas } from './jsonSchemaGenerator.js';
import { buildOntologyModel } from './loadOntologyModel.js';
import type { OntologyModel } from './OntologyModel.js';
import { generateOpenApiComponents } from './openApiGenerator.js';
import { generateShapes } from './shapesGenerator.js';

/**
 * Everything `make generate` writes, computed in memory: relative path -> content. The same function
 * serves `fmar generate` (write) and `fmar generate --check` (compare), so the check cannot drift from
 * the generator.
 */
export interface GenerateInputs {
  /** The project root (holds ontology/, data/reference/, shapes/, docs/). */
  rootDir: string;
  /** The shared spec and data (../shared): Elexon's code catalogue and the derived GSP group table. */
  sharedDir: string;
}

/** Folders whose every file is generated: stale files there are removed on generate and reported on check. */
export const GENERATED_DIRS = ['shapes', 'docs/ontology'];

export async function generateArtefacts(inputs: GenerateInputs): Promise<{ files: Map<string, string>; model: OntologyModel }> {
  const files = new Map<string, string>();
  const gspGroups = readGspGroups(
    await readFile(join(inputs.rootDir, 'data/reference/gsp-groups.csv'), 'utf8'),
    await readFile(join(inputs.sharedDir, 'data/gb/gsp_groups_derived.csv'), 'utf8'),
  );
  const catalogue = codeCatalogueToSkos(await readFile(join(inputs.sharedDir, 'spec/data-definitions/code-catalogue.csv'), 'utf8'), gspGroups);
  catalogue.set('gsp-group.ttl', gspGroupsToSkos(gspGroups));
  for (const [name, text] of catalogue) files.set(`ontology/codelists/${name}`, text);

  // The model reads the hand-written code lists from disk and the generated ones from memory.
  const quads: Quad[] = [];
  const parse = (path: string, text: string): void => {
    try {
      quads.push(...parseTurtle(text, `file://${path}`));
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
  };
  parse('ontology/fmar.ttl', await readFile(join(inputs.rootDir, 'ontology/fmar.ttl'), 'utf8'));
  const onDisk = (await readdir(join(inputs.rootDir, 'ontology/codelists'))).filter((f) => f.endsWith('.ttl'));
  for (const name of [...new Set([...onDisk, ...catalogue.keys()])].sort()) {
    const path = `ontology/codelists/${name}`;
    parse(path, files.get(path) ?? (await readFile(join(inputs.rootDir, path), 'utf8')));
  }
  const model = buildOntologyModel(quads);

  files.set('shapes/README.md', SHAPES_README(model.versionIri));
  files.set('shapes/fmar-shapes.ttl', generateShapes(model));
  files.set('shapes/context.jsonld', json(generateContext(model)));
  for (const [name, schema] of generateJsonSchemas(model)) files.set(`shapes/json-schema/${name}.schema.json`, json(schema));
  files.set('shapes/openapi-components.json', json(generateOpenApiComponents(model)));
  for (const [name, html] of generateDocs(model)) files.set(`docs/ontology/${name}`, html);
  return { files, model };
}

const SHAPES_README = (versionIri: string): string => `# Generated artefacts: do not edit

Everything in this folder is generated from \`ontology/\` (${versionIri}) by \`make generate\`, checked in,
and checked for drift by \`make check-generated\` in CI. Change the ontology, then regenerate.

- \`fmar-shapes.ttl\`: the SHACL shapes every write is validated against (SHACL Core, plus two SHACL-SPARQL rules for organisations).
- \`context.jsonld\`: the JSON-LD 1.1 context served for https://w3id.org/fmar/context/v1 (bundled; never fetched).
- \`json-schema/*.schema.json\`: JSON Schema 2020-12 of each record's request body, run with ajv before RDF conversion.
- \`openapi-components.json\`: OpenAPI 3.1 schema components (request bodies, problem details).

See docs/ontology-guide.md for how the ontology drives each of them.
`;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
