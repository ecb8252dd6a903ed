import { readFile } from 'node:fs/promises';
import { loadOntologyModel } from './src/ontology/loadOntologyModel.js';
import { generateContext } from './src/ontology/contextGenerator.js';
import { createLocalDocumentLoader } from './src/rdf/documentLoader.js';
import { readRdfFile } from './src/rdf/readRdfFile.js';
import { parseTurtle } from './src/rdf/readTurtle.js';
import { ShaclValidator } from './src/validation/ShaclValidator.js';
const m = await loadOntologyModel('ontology');
const ctx = generateContext(m);
const loader = createLocalDocumentLoader({ 'https://w3id.org/fmar/context/v1': ctx });
const shapes = parseTurtle(await readFile('shapes/fmar-shapes.ttl','utf8'));
let t = performance.now();
const v = new ShaclValidator(shapes, { fieldNames: new Map(m.properties.map(p=>[p.iri,p.jsonName])) });
console.log('compile ms', performance.now()-t);
for (const f of ['docs/examples/asset.jsonld','docs/examples/organisation.jsonld']) {
  const quads = await readRdfFile(f, loader);
  console.log(f, quads.length);
  for (let i=0;i<3;i++){ t=performance.now(); const r = await v.validate(quads); console.log('ms', (performance.now()-t).toFixed(1), r.conforms, r.results.length); if(i==0) for (const x of r.results) console.log(' ', x.severity, x.field, x.value, x.message); }
}
