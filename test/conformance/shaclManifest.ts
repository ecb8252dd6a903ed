import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Parser, Store, type Quad, type Term } from 'n3';

/**
 * Reads the W3C SHACL test suite (../shared/conformance/shacl/manifest.ttl and its mf:include tree) into
 * test cases, and compares a validation report graph with the expected one the way the suite intends:
 * same conformance, and the same multiset of results by focus node, path, severity, constraint
 * component, source shape and value (blank nodes compared by structure, messages ignored).
 */
const MF = 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#';
const SHT = 'http://www.w3.org/ns/shacl-test#';
const SH = 'http://www.w3.org/ns/shacl#';
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';

export interface ShaclTestCase {
  id: string;
  label: string;
  /** Suite-relative name, e.g. core/node/datatype-001. */
  name: string;
  data: Quad[];
  shapes: Quad[];
  /** The expected report graph, or 'failure' when the engine must refuse the shapes. */
  expected: { conforms: boolean; store: Store; node: Term } | 'failure';
}

export async function readShaclSuite(manifestPath: string): Promise<ShaclTestCase[]> {
  const root = pathToFileURL(manifestPath).href;
  const suiteDir = root.slice(0, root.lastIndexOf('/') + 1);
  const cases: ShaclTestCase[] = [];
  const files = new Map<string, Quad[]>();
  const load = async (url: string): Promise<Quad[]> => {
    const file = url.split('#')[0];
    if (!files.has(file)) files.set(file, new Parser({ baseIRI: file }).parse(await readFile(fileURLToPath(file), 'utf8')));
    return files.get(file)!;
  };
  const visit = async (manifestUrl: string): Promise<void> => {
    const store = new Store(await load(manifestUrl));
    for (const include of store.getObjects(null, `${MF}include`, null)) await visit(include.value);
    for (const list of store.getObjects(null, `${MF}entries`, null)) {
      for (const entry of readList(store, list)) {
        const action = store.getObjects(entry, `${MF}action`, null)[0];
        const result = store.getObjects(entry, `${MF}result`, null)[0];
        const dataUrl = store.getObjects(action, `${SHT}dataGraph`, null)[0].value;
        const shapesUrl = store.getObjects(action, `${SHT}shapesGraph`, null)[0].value;
        const failure = result.termType === 'NamedNode' && result.value === `${SHT}Failure`;
        const conforms = failure ? false : store.getObjects(result, `${SH}conforms`, null)[0]?.value === 'true';
        cases.push({
          id: entry.value,
          label: store.getObjects(entry, `${RDFS}label`, null)[0]?.value ?? entry.value,
          name: entry.value.slice(suiteDir.length).replace(/\.ttl$/, ''),
          data: await load(dataUrl),
          shapes: await load(shapesUrl),
          expected: failure ? 'failure' : { conforms, store, node: result },
        });
      }
    }
  };
  await visit(root);
  return cases;
}

function readList(store: Store, head: Term): Term[] {
  const items: Term[] = [];
  let node = head;
  while (node.value !== `${RDF}nil`) {
    items.push(store.getObjects(node, `${RDF}first`, null)[0]);
    node = store.getObjects(node, `${RDF}rest`, null)[0];
  }
  return items;
}

/** Describes a term so that blank nodes compare by their structure, not their label. */
function describe(store: Store, term: Term | undefined, depth = 0): string {
  if (!term) return '-';
  if (term.termType === 'BlankNode') {
    if (depth > 4) return '[...]';
    const quads = store.getQuads(term, null, null, null).filter((q) => q.predicate.value !== `${RDF}type` || depth > 0);
    if (!quads.length) return '[]';
    return `[${quads.map((q) => `${q.predicate.value} ${describe(store, q.object, depth + 1)}`).sort().join('; ')}]`;
  }
  if (term.termType === 'Literal') {
    const literal = term as Term & { datatype: { value: string }; language: string };
    return `"${term.value}"${literal.language ? `@${literal.language}` : `^^${literal.datatype.value}`}`;
  }
  return `<${term.value}>`;
}

/** The comparable results of a report node in a report graph (top-level sh:result only, not sh:detail). */
export function reportSignature(store: Store, report: Term): string[] {
  return store
    .getObjects(report, `${SH}result`, null)
    .map((r) =>
      ['focusNode', 'resultPath', 'resultSeverity', 'sourceConstraintComponent', 'sourceShape', 'value']
        .map((p) => describe(store, store.getObjects(r, SH + p, null)[0]))
        .join(' | '),
    )
    .sort();
}

/** Compares an engine's report graph with the expected one; returns undefined when they agree, else why not. */
export function compareReports(testCase: ShaclTestCase, actual: { conforms: boolean; quads: Quad[] }): string | undefined {
  if (testCase.expected === 'failure') return 'expected the engine to refuse the shapes graph, but it validated';
  if (actual.conforms !== testCase.expected.conforms) return `conforms ${actual.conforms}, expected ${testCase.expected.conforms}`;
  // Blank-node shapes and values are described through the shapes and data graphs they come from.
  const actualStore = new Store([...actual.quads, ...testCase.shapes, ...testCase.data]);
  const reportNode = actualStore.getSubjects(`${RDF}type`, `${SH}ValidationReport`, null)[0];
  const got = reportNode ? reportSignature(actualStore, reportNode) : [];
  const want = reportSignature(testCase.expected.store, testCase.expected.node);
  if (got.join('\n') === want.join('\n')) return undefined;
  const missing = want.filter((w) => !got.includes(w));
  const extra = got.filter((g) => !want.includes(g));
  return `results differ\n  missing: ${missing.join('\n           ') || '-'}\n  extra:   ${extra.join('\n           ') || '-'}`;
}
