import { FMAR, FMAR_CODE } from '../../rdf/namespaces.js';
import type { RegistryStore } from '../../store/RegistryStore.js';
import { selectBindings } from '../../store/selectBindings.js';
import type { AssetFacts } from './assetFacts.js';
import { FRIENDLY_CODE_KEY, foldFriendlyCode } from '../friendlyCodeKey.js';

/**
 * The other assets of the same responsible FSP that already use the asset's friendly code (requirements §4:
 * "Friendly Code ... governed per organisation, uniqueness enforced within the organisation"). Codes are labels
 * people read and type, so "BESS-GreenPark-01" and "bess-greenpark-01" are the same code. Only the registry's
 * current, not de-registered assets count: a de-registered asset gives its code back.
 */
export async function friendlyCodeUsers(store: Pick<RegistryStore, 'query'>, baseIri: string, asset: AssetFacts): Promise<string[]> {
  if (asset.friendlyCode === undefined || asset.responsibleFSP === undefined) return [];
  // The folded key in `{record}#access` makes this an index lookup (friendlyCodeKey.ts), not a scan of the FSP's assets.
  const rows = await selectBindings(store, `SELECT DISTINCT ?other WHERE {
    GRAPH ?index { ?other <${FRIENDLY_CODE_KEY}> ${JSON.stringify(foldFriendlyCode(asset.friendlyCode))} }
    FILTER (?index = IRI(CONCAT(STR(?other), "#access")))
    GRAPH ?other {
      ?other a <${FMAR}Asset> ; <${FMAR}responsibleFSP> <${asset.responsibleFSP}> .
      OPTIONAL { ?other <${FMAR}assetRegistrationStatus> ?status }
    }
    FILTER (?other != <${asset.iri}>)
    FILTER (!BOUND(?status) || ?status != <${FMAR_CODE}AssetRegistrationStatus/DE_REGISTERED>)
    FILTER (STRSTARTS(STR(?other), ${JSON.stringify(`${baseIri}assets/`)}))
  } ORDER BY ?other`);
  return rows.map((r) => r.other.value);
}
