import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ecrEntryFromQuads, type EcrEntry } from '../../src/domain/authenticity/ecrEntries.js';
import { ECR_COLUMNS, EcrImporter, ecrRowMappings } from '../../src/import/sources/ecrImporter.js';
import { readTabularFile } from '../../src/import/tabularFile.js';
import { VocabularyMapping } from '../../src/import/VocabularyMapping.js';
import type { ModelQueries } from '../../src/ontology/modelQueries.js';
import { sharedDir } from '../../src/projectRoot.js';

/** The real UKPN Embedded Capacity Register of ../shared/data/gb (2025-08, 1,240 rows). */
export const UKPN_ECR_FILE = join(sharedDir(), 'data/gb/ukpn_ecr_1mw_plus_2025-08.csv');

/**
 * The entry `fmar import ecr` makes of each row of the real UKPN register, by the line the row starts on, read back
 * from the importer's quads as the store would return them (without the provenance ImportRun adds).
 */
export async function ukpnEcrEntriesByLine(model: ModelQueries, baseIri = 'http://registry.test/'): Promise<Map<number, EcrEntry>> {
  const importer = new EcrImporter({ operator: 'UKPN', model, vocabulary: await VocabularyMapping.load() });
  const file = readTabularFile(await readFile(UKPN_ECR_FILE), { headerColumns: [ECR_COLUMNS.licenceArea, ECR_COLUMNS.connectionStatus], sourceName: 'ukpn_ecr_1mw_plus_2025-08.csv' });
  const entries = new Map<number, EcrEntry>();
  for (const [line, mapping] of ecrRowMappings(file, importer, baseIri)) {
    const [entry] = mapping.entities;
    if (entry) entries.set(line, ecrEntryFromQuads(entry.iri, entry.quads));
  }
  return entries;
}
