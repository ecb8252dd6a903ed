import { FMAR, FMAR_CODE } from '../../rdf/namespaces.js';
import type { RegistryStore } from '../../store/RegistryStore.js';
import { selectBindings } from '../../store/selectBindings.js';
import type { AssetFacts } from './assetFacts.js';

/** An asset of another organisation that shares identifiers with the asset checked. */
export interface DuplicateAsset {
  asset: string;
  /** The checked asset's attributes whose values it shares: importMPAN, exportMPAN, serialNumber. */
  sharedAttributes: ('importMPAN' | 'exportMPAN' | 'serialNumber')[];
}

/**
 * Assets of other organisations (another responsible FSP) that already hold the asset's identifiers, in the
 * registry's current records (not superseded versions, not de-registered assets, not other registries' records in a
 * shared store):
 *
 * - the same MPAN, in either slot (asset-attributes.csv, Import/Export MPAN: "if the MPAN is already linked to
 *   assets under different organisations -> warn and require justification");
 * - the same serial number with the same manufacturer (asset-attributes.csv, Asset Serial Number: "OEM-assigned
 *   unique serial"; a serial is unique only within its manufacturer, so both must match; manufacturers compare
 *   without regard to case, spacing or punctuation);
 * - where an MPAN matches, a shared serial number is reported with it (UC-02.02, UC-001 detail: de-duplication on
 *   "MPAN + Serial Number").
 *
 * MPANs live in `{record}#personal` and serial numbers in `{record}#restricted` (fmarann:sensitivity), the owning
 * FSP and status in `{record}`; the queries name those graphs exactly, so versions under `{record}/versions/` never
 * match. A de-registered asset no longer holds its identifiers (UC-02.03: it takes no part in markets).
 */
export async function findDuplicateAssets(store: Pick<RegistryStore, 'query'>, baseIri: string, asset: AssetFacts): Promise<DuplicateAsset[]> {
  const found = new Map<string, Set<DuplicateAsset['sharedAttributes'][number]>>();
  const share = (other: string, attribute: DuplicateAsset['sharedAttributes'][number]) => found.set(other, (found.get(other) ?? new Set()).add(attribute));
  const otherOrganisation = asset.responsibleFSP ? `FILTER (?fsp != <${asset.responsibleFSP}>)` : '';
  const current = `
    GRAPH ?other { ?other a <${FMAR}Asset> ; <${FMAR}responsibleFSP> ?fsp . OPTIONAL { ?other <${FMAR}assetRegistrationStatus> ?status } }
    FILTER (?other != <${asset.iri}>)
    FILTER (!BOUND(?status) || ?status != <${FMAR_CODE}AssetRegistrationStatus/DE_REGISTERED>)
    FILTER (STRSTARTS(STR(?other), ${JSON.stringify(`${baseIri}assets/`)}))
    ${otherOrganisation}`;

  const mpans = (['importMPAN', 'exportMPAN'] as const).filter((a) => asset[a] !== undefined);
  if (mpans.length) {
    const values = [...new Set(mpans.map((a) => asset[a]!))].map((v) => JSON.stringify(v)).join(' ');
    const rows = await selectBindings(store, `SELECT DISTINCT ?other ?value WHERE {
      VALUES ?value { ${values} }
      VALUES ?property { <${FMAR}importMPAN> <${FMAR}exportMPAN> }
      GRAPH ?personal { ?other ?property ?value }
      FILTER (STR(?personal) = CONCAT(STR(?other), "#personal"))
      ${current}
    }`);
    for (const row of rows) for (const a of mpans) if (asset[a] === row.value.value) share(row.other.value, a);
  }

  if (asset.serialNumber !== undefined) {
    const rows = await selectBindings(store, `SELECT DISTINCT ?other ?manufacturer WHERE {
      GRAPH ?restricted { ?other <${FMAR}serialNumber> ${JSON.stringify(asset.serialNumber)} }
      FILTER (STR(?restricted) = CONCAT(STR(?other), "#restricted"))
      OPTIONAL { GRAPH ?other { ?other <${FMAR}manufacturer> ?manufacturer } }
      ${current}
    }`);
    for (const row of rows) {
      const sameMaker = asset.manufacturer !== undefined && row.manufacturer !== undefined && sameManufacturer(asset.manufacturer, row.manufacturer.value);
      if (sameMaker || found.has(row.other.value)) share(row.other.value, 'serialNumber');
    }
  }
  const order: DuplicateAsset['sharedAttributes'] = ['importMPAN', 'exportMPAN', 'serialNumber'];
  return [...found.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([other, attributes]) => ({ asset: other, sharedAttributes: order.filter((a) => attributes.has(a)) }));
}

/** "Example Storage Systems" and "example-storage  systems" are one manufacturer. */
export function sameManufacturer(a: string, b: string): boolean {
  const words = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return words(a) === words(b);
}
