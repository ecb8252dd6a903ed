/** The page a browser gets at /: what this registry holds, live counts, and where to go next. */
export function landingPage(counts: Record<string, number>, journalSequence: number): string {
  const rows = Object.entries(counts).map(([path, n]) => `<li><a href="/${path}">${path}</a>: ${n}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>FMAR registry</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#f2f4f7;padding:0 .2rem}</style></head>
<body>
<h1>FMAR registry</h1>
<p>The Flexibility Market Asset Registration registry for GB flexibility markets: organisations, their flexible
assets, and the audit trail behind every change, as linked data (JSON-LD, Turtle, N-Quads) and through SPARQL.</p>
<h2>Records</h2>
<ul>
${rows}
</ul>
<p>${journalSequence} changes recorded in the journal.</p>
<h2>Use it</h2>
<ul>
<li><a href="/sparql">SPARQL endpoint</a> (SPARQL 1.1 Protocol; GET or POST <code>query</code>); a browser gets the YASGUI editor</li>
<li><a href="/docs">API reference</a> (<a href="/openapi.json">OpenAPI 3.1</a>)</li>
<li><a href="/context/v1">JSON-LD context</a>, <a href="/shapes/fmar-shapes.ttl">SHACL shapes</a>, <a href="/shapes/openapi-components.json">OpenAPI components</a></li>
<li><a href="/ontology/index.html">The FMAR ontology</a>: every class, field, code list and rule</li>
</ul>
<p>Attribute names, code lists and rules follow Elexon's FMAR data definitions (CC-BY-4.0, attribution Elexon Ltd).</p>
</body></html>
`;
}
