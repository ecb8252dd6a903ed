/**
 * SPARQL 1.1 query results in the formats clients ask for, written from the JSON results (which the
 * replica produces), after the row cap: JSON, XML, CSV and TSV (W3C SPARQL 1.1 Query Results formats).
 */
export interface SparqlTerm {
  type: 'uri' | 'literal' | 'bnode' | 'typed-literal';
  value: string;
  datatype?: string;
  'xml:lang'?: string;
}
export interface SparqlJson {
  head: { vars?: string[]; link?: string[] };
  results?: { bindings: Record<string, SparqlTerm>[] };
  boolean?: boolean;
}

export const RESULT_MEDIA_TYPES = ['application/sparql-results+json', 'application/json', 'application/sparql-results+xml', 'text/csv', 'text/tab-separated-values'] as const;
export type ResultMediaType = (typeof RESULT_MEDIA_TYPES)[number];

export function writeResults(results: SparqlJson, mediaType: ResultMediaType): string {
  switch (mediaType) {
    case 'application/sparql-results+json':
    case 'application/json': return JSON.stringify(results);
    case 'application/sparql-results+xml': return xml(results);
    case 'text/csv': return delimited(results, ',', csvTerm);
    case 'text/tab-separated-values': return delimited(results, '\t', tsvTerm);
  }
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xml(results: SparqlJson): string {
  const head = `<head>${(results.head.vars ?? []).map((v) => `<variable name="${esc(v)}"/>`).join('')}</head>`;
  const body = results.boolean !== undefined
    ? `<boolean>${results.boolean}</boolean>`
    : `<results>${(results.results?.bindings ?? []).map((b) => `<result>${Object.entries(b).map(([name, t]) => `<binding name="${esc(name)}">${xmlTerm(t)}</binding>`).join('')}</result>`).join('')}</results>`;
  return `<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">${head}${body}</sparql>\n`;
}

function xmlTerm(t: SparqlTerm): string {
  if (t.type === 'uri') return `<uri>${esc(t.value)}</uri>`;
  if (t.type === 'bnode') return `<bnode>${esc(t.value)}</bnode>`;
  const attrs = t['xml:lang'] ? ` xml:lang="${esc(t['xml:lang'])}"` : t.datatype ? ` datatype="${esc(t.datatype)}"` : '';
  return `<literal${attrs}>${esc(t.value)}</literal>`;
}

function delimited(results: SparqlJson, separator: string, term: (t: SparqlTerm) => string): string {
  if (results.boolean !== undefined) return `_askResult\n${results.boolean}\n`;
  const vars = results.head.vars ?? [];
  const header = separator === '\t' ? vars.map((v) => `?${v}`) : vars;
  const rows = (results.results?.bindings ?? []).map((b) => vars.map((v) => (b[v] ? term(b[v]) : '')).join(separator));
  return [header.join(separator), ...rows].join(separator === ',' ? '\r\n' : '\n') + (separator === ',' ? '\r\n' : '\n');
}

function csvTerm(t: SparqlTerm): string {
  const value = t.type === 'bnode' ? `_:${t.value}` : t.value;
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function tsvTerm(t: SparqlTerm): string {
  if (t.type === 'uri') return `<${t.value}>`;
  if (t.type === 'bnode') return `_:${t.value}`;
  const text = `"${t.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
  if (t['xml:lang']) return `${text}@${t['xml:lang']}`;
  if (t.datatype && t.datatype !== 'http://www.w3.org/2001/XMLSchema#string') return `${text}^^<${t.datatype}>`;
  return text;
}

/** The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) after the prologue, ignoring comments, IRIs and strings. */
export function queryForm(sparql: string): 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE' | undefined {
  const stripped = sparql
    .replace(/<[^<>\s]*>/g, '<>')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/#[^\n]*/g, ' ');
  const match = /^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<>|BASE\s+<>)\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(stripped);
  return match?.[1].toUpperCase() as 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE' | undefined;
}
