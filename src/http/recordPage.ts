import type { RecordKind } from '../domain/RecordKind.js';
import type { RecordState } from '../domain/RecordService.js';

/** A record for a person with a browser: its fields, with links to the records it names. */
export function renderRecordPage(kind: RecordKind, state: RecordState, json: Record<string, unknown>, baseIri: string): string {
  const rows = Object.entries(json)
    .filter(([key]) => !key.startsWith('@'))
    .map(([key, value]) => `<tr><th>${esc(key)}</th><td>${[value].flat().map((v) => cell(String(v), baseIri)).join('<br>')}</td></tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(kind.className)} ${esc(state.id)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f2f4f7}</style></head>
<body><p><a href="/">FMAR registry</a> / <a href="/${esc(kind.path)}">${esc(kind.path)}</a></p>
<h1>${esc(kind.className)} <code>${esc(state.id)}</code></h1>
<p>Version ${state.version}. <a href="/${esc(kind.path)}/${esc(state.id)}/history">History</a>. Other formats: request <code>${esc(state.iri)}</code> with Accept: text/turtle, application/n-quads, application/trig or application/ld+json.</p>
<table>${rows}</table>
<p><a href="/ontology/${esc(kind.className)}.html">What these fields mean</a></p>
</body></html>
`;
}

function cell(value: string, baseIri: string): string {
  if (value.startsWith(baseIri)) return `<a href="/${esc(value.slice(baseIri.length))}">${esc(value)}</a>`;
  if (/^https?:\/\//.test(value)) return `<a href="${esc(value)}">${esc(value)}</a>`;
  return esc(value);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
