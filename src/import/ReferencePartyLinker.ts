import { DataFactory, type Quad } from 'n3';
import { FMAR, RDF } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { identifiersOf, MATCH_PROPERTIES, partyMatchQuads } from './partyMatches.js';
import { registeredOrganisations } from './registeredOrganisations.js';

const { namedNode, literal, quad } = DataFactory;

export interface ReferencePartyLinkerArgs {
  store: Pick<RegistryStore, 'query' | 'commit'>;
  baseIri: string;
  warn?: (message: string) => void;
}

export interface RelinkResult {
  /** Party graphs read. */
  parties: number;
  /** Party graphs whose link changed (linked, unlinked, relinked or now ambiguous). */
  changed: number;
}

/**
 * Keeps the links from the parties imported files name (lead parties, ECR customers, REPD operators...) to the
 * registered FMAR organisations current: an import links its parties to the organisations registered at the time,
 * and this re-links every party when an organisation is registered or changes its names, so that the lead party of
 * a BM unit is its organisation from the moment that organisation registers (issue #9: "lead parties as
 * organisations"), without importing the file again. Each party graph gets the quads an import would write
 * (partyMatchQuads), so a later import of the same file sees them as unchanged.
 *
 * `schedule()` runs a re-link soon, one at a time: the registry schedules one after each commit that touches an
 * organisation.
 */
export class ReferencePartyLinker {
  private running: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(private readonly args: ReferencePartyLinkerArgs) {}

  /** Re-links now: reads every party graph and the registered organisations, and writes the links that changed, in one transaction. */
  async relink(): Promise<RelinkResult> {
    const { store, baseIri } = this.args;
    const rows = await selectBindings(store, `SELECT ?g ?party ?p ?o WHERE {
      GRAPH ?g { ?party <${RDF}type> <${FMAR}ReferenceParty> ; ?p ?o . FILTER(?p IN (<${FMAR}partyName>, <${FMAR}partyIdentifier>, ${MATCH_PROPERTIES.map((p) => `<${p}>`).join(', ')})) }
      FILTER(STRSTARTS(STR(?g), ${JSON.stringify(`${baseIri}reference/parties/`)}))
    }`);
    const graphs = new Map<string, { party: string; names: string[]; identifiers: string[]; match: Quad[] }>();
    for (const row of rows) {
      const key = `${row.g.value} ${row.party.value}`;
      const entry = graphs.get(key) ?? { party: row.party.value, names: [], identifiers: [], match: [] };
      graphs.set(key, entry);
      const p = row.p.value;
      if (p === `${FMAR}partyName`) entry.names.push(row.o.value);
      else if (p === `${FMAR}partyIdentifier`) entry.identifiers.push(row.o.value);
      else entry.match.push(quad(namedNode(row.party.value), namedNode(p), row.o.type === 'uri' ? namedNode(row.o.value) : literal(row.o.value), namedNode(row.g.value)));
    }
    if (!graphs.size) return { parties: 0, changed: 0 };
    const matcher = await registeredOrganisations(store, baseIri);
    const add: Quad[] = [];
    const remove: Quad[] = [];
    let changed = 0;
    for (const [key, { party, names, identifiers, match }] of graphs) {
      const graph = key.slice(0, key.indexOf(' '));
      const next = partyMatchQuads(matcher, party, graph, names, identifiersOf(identifiers));
      const text = (quads: Quad[]) => quads.map((q) => `${q.predicate.value} ${q.object.value}`).sort().join('\n');
      if (text(next) === text(match)) continue;
      changed++;
      remove.push(...match);
      add.push(...next);
    }
    if (changed) await store.commit({ add, remove });
    return { parties: graphs.size, changed };
  }

  /** Runs a re-link after the one running, if any; several requests while one runs make one more run. */
  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.running = this.running.then(async () => {
      this.pending = false;
      try {
        await this.relink();
      } catch (error) {
        this.args.warn?.(`could not re-link the imported parties to the registered organisations: ${(error as Error).message}`);
      }
    });
  }

  /** Resolves when no re-link is running or scheduled. */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.running;
      await current;
    } while (current !== this.running);
  }
}
