/**
 * Chooses the SHACL engine on measured conformance and speed (issue #2): runs the W3C SHACL suite
 * through shacl-engine and rdf-validate-shacl, then validates the FMAR example asset and organisation
 * against the generated shapes with each, in the same process. Prints a table and writes
 * bench/results/validation-engines.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Quad } from 'n3';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { readRdfFile } from '../src/rdf/readRdfFile.js';
import { parseTurtle } from '../src/rdf/readTurtle.js';
import { loadFmarValidation } from '../src/validation/loadFmarValidator.js';
import { rdfValidateShacl, shaclEngine, type ShaclEngine } from '../test/conformance/shaclEngines.js';
import { readShaclSuite } from '../test/conformance/shaclManifest.js';
import { runShaclSuite } from './shaclSuiteRun.js';

const root = projectRoot();
const shared = sharedDir();
const rounds = Number(process.env.ROUNDS ?? 500);

async function timeValidations(engine: ShaclEngine, shapes: Quad[], data: Quad[]): Promise<{ compileMs: number; perValidationMs: number; perSecond: number }> {
  let start = performance.now();
  const validate = engine.compile(shapes);
  const compileMs = performance.now() - start;
  for (let i = 0; i < 20; i++) await validate(data); // warm-up
  start = performance.now();
  for (let i = 0; i < rounds; i++) await validate(data);
  const perValidationMs = (performance.now() - start) / rounds;
  return { compileMs, perValidationMs, perSecond: 1000 / perValidationMs };
}

const cases = await readShaclSuite(join(shared, 'conformance/shacl/manifest.ttl'));
const coreCases = cases.filter((c) => c.name.startsWith('core/'));
const shapes = parseTurtle(await readFile(join(root, 'shapes/fmar-shapes.ttl'), 'utf8'));
const { documentLoader } = await loadFmarValidation(join(root, 'shapes'));
const asset = await readRdfFile(join(root, 'docs/examples/asset.jsonld'), documentLoader);
const organisation = await readRdfFile(join(root, 'docs/examples/organisation.jsonld'), documentLoader);
const assetShapes = shapes; // the whole FMAR shapes graph; organisations add the SHACL-SPARQL rules

const results = [];
for (const engine of [shaclEngine, rdfValidateShacl]) {
  const suite = await runShaclSuite(engine, cases);
  const assetTiming = await timeValidations(engine, assetShapes, asset);
  let organisationTiming: Awaited<ReturnType<typeof timeValidations>> | string;
  try {
    organisationTiming = await timeValidations(engine, shapes, organisation);
  } catch (error) {
    organisationTiming = `fails: ${(error as Error).message.split('\n')[0]}`;
  }
  results.push({
    engine: engine.name,
    suite: {
      total: cases.length,
      passed: suite.passed.length,
      core: { total: coreCases.length, passed: suite.passed.filter((n) => n.startsWith('core/')).length },
      sparql: { total: cases.length - coreCases.length, passed: suite.passed.filter((n) => n.startsWith('sparql/')).length },
      milliseconds: Math.round(suite.milliseconds),
      failed: suite.failed.map((f) => f.name),
    },
    fmarAsset: assetTiming,
    fmarOrganisation: organisationTiming,
  });
}

console.log(`W3C SHACL suite (${cases.length} cases: ${coreCases.length} core, ${cases.length - coreCases.length} SPARQL) and FMAR validation (${rounds} rounds)`);
console.log('engine              | suite passed | core    | SPARQL | suite ms | compile ms | asset ms | assets/s | organisation');
for (const r of results) {
  const org = typeof r.fmarOrganisation === 'string' ? r.fmarOrganisation : `${r.fmarOrganisation.perValidationMs.toFixed(2)} ms`;
  console.log(
    `${r.engine.padEnd(19)} | ${`${r.suite.passed}/${r.suite.total}`.padEnd(12)} | ${`${r.suite.core.passed}/${r.suite.core.total}`.padEnd(7)} | ${`${r.suite.sparql.passed}/${r.suite.sparql.total}`.padEnd(6)} | ${String(r.suite.milliseconds).padEnd(8)} | ${r.fmarAsset.compileMs.toFixed(1).padEnd(10)} | ${r.fmarAsset.perValidationMs.toFixed(3).padEnd(8)} | ${r.fmarAsset.perSecond.toFixed(0).padEnd(8)} | ${org}`,
  );
}
const [engine, other] = results;
console.log(`ratio: ${other.engine} asset validation takes ${(other.fmarAsset.perValidationMs / engine.fmarAsset.perValidationMs).toFixed(2)}x the time of ${engine.engine}`);
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/validation-engines.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds, results }, null, 2)}\n`);
