import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readTabularFile } from '../import/tabularFile.js';
import { sampleAssetsFromEcr, type SampleAsset } from '../import/sampleAssets.js';
import { ECR_COLUMNS, EcrImporter, ecrEntryReferencesByLine } from '../import/sources/ecrImporter.js';
import { VocabularyMapping } from '../import/VocabularyMapping.js';
import { loadOntologyModel } from '../ontology/loadOntologyModel.js';
import { ModelQueries } from '../ontology/modelQueries.js';
import { FMAR_CODE } from '../rdf/namespaces.js';

/** The hand-picked assets the docs and tests name first (lines of the UKPN ECR 2025-08: batteries, solar, wind). */
export const SHOWCASE_LINES = [78, 115, 158, 2, 3, 5, 13, 26];

/**
 * Builds the sample portfolio of `make run` from a real Embedded Capacity Register (sampleAssets.ts), as the JSON
 * data/sample/assets.json holds. `make sample-data` writes it; a test checks the checked-in file is what this gives.
 */
export async function buildSampleAssets(ecrFile: string, rootDir: string, fsps: number): Promise<SampleAsset[]> {
  const model = new ModelQueries(await loadOntologyModel(join(rootDir, 'ontology')));
  const file = readTabularFile(await readFile(ecrFile), { headerColumns: [ECR_COLUMNS.licenceArea, ECR_COLUMNS.connectionStatus], sourceName: basename(ecrFile) });
  const vocabulary = await VocabularyMapping.load(join(rootDir, 'data/mappings'));
  const entryReferences = ecrEntryReferencesByLine(file, new EcrImporter({ operator: 'UKPN', model, vocabulary }));
  return sampleAssetsFromEcr(file, { fileName: basename(ecrFile), vocabulary, dnoCodes: model.scheme(`${FMAR_CODE}DNOCode`).concepts, fsps, perArea: 160, first: SHOWCASE_LINES, entryReferences });
}

export function sampleAssetsJson(assets: SampleAsset[]): string {
  return `${JSON.stringify(assets, null, 2)}\n`;
}

export async function sampleDataCommand(ecrFile: string, rootDir: string): Promise<number> {
  const organisations = JSON.parse(await readFile(join(rootDir, 'data/sample/organisations.json'), 'utf8')) as unknown[];
  const assets = await buildSampleAssets(ecrFile, rootDir, organisations.length);
  await writeFile(join(rootDir, 'data/sample/assets.json'), sampleAssetsJson(assets));
  const byArea = new Map<string, number>();
  for (const a of assets) byArea.set(String(a.body.dnoConnection), (byArea.get(String(a.body.dnoConnection)) ?? 0) + 1);
  console.log(`data/sample/assets.json: ${assets.length} assets (${[...byArea].map(([k, v]) => `${k} ${v}`).join(', ')}) over ${organisations.length} FSPs`);
  return 0;
}
