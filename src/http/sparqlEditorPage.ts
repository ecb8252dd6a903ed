/**
 * A small SPARQL form for people with a browser (no script from a CDN). YASGUI is the planned editor
 * (issue #3); this page works without it.
 */
export function sparqlEditorPage(): string {
  const example = `PREFIX fmar: <https://w3id.org/fmar/ontology#>
SELECT ?asset ?name ?category ?capacity WHERE {
  GRAPH ?asset { ?asset a fmar:Asset ; fmar:assetName ?name ; fmar:assetCategory ?category ; fmar:ratedCapacity ?capacity }
} ORDER BY DESC(?capacity) LIMIT 20`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>FMAR SPARQL</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}textarea{width:100%;height:14rem;font-family:monospace}</style></head>
<body><p><a href="/">FMAR registry</a></p><h1>SPARQL</h1>
<form method="get" action="/sparql">
<textarea name="query">${example.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</textarea>
<p><label>Results as <select name="format" disabled><option>SPARQL JSON</option></select></label> <button type="submit">Run</button></p>
</form>
<p>Each record is a named graph (its IRI); personal and restricted values sit in the graphs #personal and #restricted of the record; activities (who changed what, when) are graphs under /activities/.</p>
</body></html>
`;
}
