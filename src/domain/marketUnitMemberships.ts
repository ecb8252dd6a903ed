import { FMAR, FMAR_CODE } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';

/** One membership of an asset in a market unit, as stored now (UC-03.01, UC-03.03). */
export interface Membership {
  /** The membership record's IRI. */
  iri: string;
  unit: string;
  asset: string;
  since: string;
  until?: string;
}

const XSD_DATE_TIME = 'http://www.w3.org/2001/XMLSchema#dateTime';

/**
 * Memberships read from their current graphs (a membership's graph is its IRI; its versions live in other
 * graphs, so a membership that was ended is never also read open). `open` keeps those without memberUntil.
 */
async function memberships(store: RegistryStore, pattern: string, open: boolean): Promise<Membership[]> {
  const rows = await selectBindings(store, `SELECT ?m ?unit ?asset ?since ?until WHERE {
    GRAPH ?m { ?m a <${FMAR}MarketUnitMembership> ; <${FMAR}ofMarketUnit> ?unit ; <${FMAR}memberAsset> ?asset ; <${FMAR}memberSince> ?since . ${pattern}
      OPTIONAL { ?m <${FMAR}memberUntil> ?until } }
    ${open ? 'FILTER (!BOUND(?until))' : ''} } ORDER BY ?since ?m`);
  return rows.map((r) => ({ iri: r.m.value, unit: r.unit.value, asset: r.asset.value, since: r.since.value, ...(r.until ? { until: r.until.value } : {}) }));
}

/** The unit's current members (memberships not ended). */
export function currentMembersOf(store: RegistryStore, unit: string): Promise<Membership[]> {
  return memberships(store, `?m <${FMAR}ofMarketUnit> <${unit}> .`, true);
}

/** The open memberships of an asset in units that are not de-registered. */
export async function activeMembershipsOfAsset(store: RegistryStore, asset: string): Promise<Membership[]> {
  const open = await memberships(store, `?m <${FMAR}memberAsset> <${asset}> .`, true);
  if (!open.length) return [];
  const rows = await selectBindings(store, `SELECT ?unit ?status WHERE { VALUES ?unit { ${[...new Set(open.map((m) => `<${m.unit}>`))].join(' ')} } OPTIONAL { GRAPH ?unit { ?unit <${FMAR}marketUnitStatus> ?status } } }`);
  const deRegistered = new Set(rows.filter((r) => r.status?.value === `${FMAR_CODE}MarketUnitStatus/DE_REGISTERED`).map((r) => r.unit.value));
  return open.filter((m) => !deRegistered.has(m.unit));
}

/**
 * UC-03.01, UC-03.03: the unit's composition at an instant: memberships with memberSince <= at < memberUntil.
 * The same query is documented for SPARQL users in docs/market-units-and-switching.md.
 */
export function compositionAt(store: RegistryStore, unit: string, at: Date): Promise<Membership[]> {
  const instant = `"${at.toISOString()}"^^<${XSD_DATE_TIME}>`;
  return memberships(store, `?m <${FMAR}ofMarketUnit> <${unit}> . FILTER (?since <= ${instant}) FILTER NOT EXISTS { ?m <${FMAR}memberUntil> ?end . FILTER (?end <= ${instant}) }`, false);
}
