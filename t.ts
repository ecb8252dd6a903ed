import { writeFile } from 'node:fs/promises';
import { loadOntologyModel } from './src/ontology/loadOntologyModel.js';
import { generateShapes } from './src/ontology/shapesGenerator.js';
const m = await loadOntologyModel('ontology');
const t = generateShapes(m);
await writeFile('shapes/fmar-shapes.ttl', t);
console.log(t.length);
