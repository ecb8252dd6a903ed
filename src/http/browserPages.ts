/** Pages for people with a browser, built on npm packages served from this registry (no CDN). */
export function yasguiPage(): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>FMAR SPARQL</title>
<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">
<style>body{font-family:system-ui,sans-serif;margin:0}header{padding:.5rem 1rem;background:#eef3fb}</style></head>
<body><header><a href="/">FMAR registry</a> · SPARQL · each record is a named graph; activities are graphs under /activities/</header>
<div id="yasgui"></div>
<script src="/static/yasgui/yasgui.min.js"></script>
<script>
new Yasgui(document.getElementById('yasgui'), {
  requestConfig: { endpoint: '/sparql', method: 'POST' },
  copyEndpointOnNewTab: false,
  yasqe: { value: 'PREFIX fmar: <https://w3id.org/fmar/ontology#>\\nSELECT ?asset ?name ?category ?kW WHERE {\\n  GRAPH ?asset { ?asset a fmar:Asset ; fmar:assetName ?name ; fmar:assetCategory ?category ; fmar:ratedCapacity ?kW }\\n} ORDER BY DESC(?kW) LIMIT 20' },
});
</script>
</body></html>
`;
}

export function apiReferencePage(): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>FMAR registry API</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css"></head>
<body><div id="api"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api' });</script>
</body></html>
`;
}
