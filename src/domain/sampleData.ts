import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSET_KIND, ORGANISATION_KIND } from './RecordKind.js';
import type { Actor, RecordService } from './RecordService.js';

/**
 * Loads data/sample/ into an empty registry through the ordinary use cases, so every sample record is
 * validated and has its provenance like any other (see data/sample/README.md for sources and licences).
 */
export async function loadSampleData(records: RecordService, sampleDir: string, administrator: string, today: string): Promise<{ organisations: number; assets: number; assetIds: string[] }> {
  const organisations = JSON.parse(await readFile(join(sampleDir, 'organisations.json'), 'utf8')) as Record<string, unknown>[];
  const assets = JSON.parse(await readFile(join(sampleDir, 'assets.json'), 'utf8')) as { fsp: number; body: Record<string, unknown> }[];
  const admin: Actor = { agentIri: administrator };
  const fsps: string[] = [];
  for (const body of organisations) fsps.push((await records.create(ORGANISATION_KIND, body, admin)).iri);
  const assetIds: string[] = [];
  for (const asset of assets) {
    assetIds.push((await records.create(ASSET_KIND, { ...asset.body, effectiveDate: today }, { agentIri: administrator, onBehalfOf: fsps[asset.fsp] })).id);
  }
  return { organisations: organisations.length, assets: assets.length, assetIds };
}
