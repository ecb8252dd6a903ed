/**
 * Chooses the SHACL engine on measured conformance and speed (issue #2), and measures the compiled shapes
 * against both: runs the W3C SHACL suite through shacl-engine and rdf-validate-shacl (and, for the compiled
 * validator, which cases it compiles and whether their reports equal shacl-engine's), then validates the FMAR
 * example asset, the example organisation and a batch of 500 assets in one data graph against the generated
 * shapes with each engine, in the same process. Prints a table and writes bench/results/validation-engines.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DataFactory, type Quad } from 'n3';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { readRdfFile } from '../src/rdf/readRdfFile.js';
import { parseTurtle } from '../src/rdf/readTurtle.js';
import { UnsupportedShapesError } from '../src/validation/CompiledShapes.js';
import { CompiledValidator } from '../src/validation/CompiledValidator.js';
import { loadFmarValidation } from '../src/validation/loadFmarValidator.js';
import { ShaclValidator } from '../src/validation/ShaclValidator.js';
import { rdfValidateShacl, shaclEngine } from '../test/conformance/shaclEngines.js';
import { readShaclSuite, type ShaclTestCase } from '../test/conformance/shaclManifest.js';
import { runShaclSuite, type SuiteOutcome } from './shaclSuiteRun.js';

const root = projectRoot();
const shared = sharedDir();
const rounds = Number(process.env.ROUNDS ?? 500);
const batchSize = Number(process.env.BATCH ?? 500);
const batchRounds = Number(process.env.BATCH_ROUNDS ?? 5);

type Validate = (data: Quad[]) => Promise<unknown>;
interface Timing {
  compileMs: number;
  perValidationMs: number;
  perSecond: number;
}

/**
 * Compiles, warms up (at least `warmUp` validations and one second, so that a fast engine is measured once
 * the JIT has optimised it, as in a running registry), then times at least `n` validations and one second.
 */
async function timeValidations(compile: () => Validate, data: Quad[], n: number, warmUp = 20): Promise<Timing> {
  let start = performance.now();
  const validate = compile();
  const compileMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < warmUp || performance.now() - start < 1000; i++) await validate(data);
  start = performance.now();
  let count = 0;
  while (count < n || performance.now() - start < 1000) {
    await validate(data);
    count++;
  }
  const perValidationMs = (performance.now() - start) / count;
  return { compileMs, perValidationMs, perSecond: 1000 / perValidationMs };
}

/** The W3C cases the compiler accepts, and whether each gives shacl-engine's report (it must). */
async function compiledSuite(cases: ShaclTestCase[]): Promise<{ compiled: number; identical: number; refused: Record<string, number>; different: string[] }> {
  const refused: Record<string, number> = {};
  const different: string[] = [];
  let compiled = 0;
  let identical = 0;
  for (const testCase of cases) {
    let validator: CompiledValidator;
    try {
      validator = new CompiledValidator(testCase.shapes);
    } catch (error) {
      if (!(error instanceof UnsupportedShapesError)) throw error;
      const reason = error.message.replace(/^cannot compile [^:]*(:\/\/[^>]*>)?: /, '').replace(/ \(.*\)$/, '');
      refused[reason] = (refused[reason] ?? 0) + 1;
      continue;
    }
    let reference;
    try {
      reference = await new ShaclValidator(testCase.shapes).validate(testCase.data);
    } catch {
      continue; // shacl-engine refuses these shapes too
    }
    compiled++;
    if (isDeepStrictEqual(await validator.validate(testCase.data), reference)) identical++;
    else different.push(testCase.name);
  }
  return { compiled, identical, refused, different };
}

const cases = await readShaclSuite(join(shared, 'conformance/shacl/manifest.ttl'));
const coreCases = cases.filter((c) => c.name.startsWith('core/'));
const shapes = parseTurtle(await readFile(join(root, 'shapes/fmar-shapes.ttl'), 'utf8'));
const { documentLoader, fieldNames } = await loadFmarValidation(join(root, 'shapes'));
const asset = await readRdfFile(join(root, 'docs/examples/asset.jsonld'), documentLoader);
const organisation = await readRdfFile(join(root, 'docs/examples/organisation.jsonld'), documentLoader);
// A bulk registration's worth of assets in one data graph: the example under 500 record IRIs.
const assetIri = asset.find((q) => q.predicate.value.endsWith('#type'))!.subject.value;
const batch = Array.from({ length: batchSize }, (_, i) => {
  const subject = DataFactory.namedNode(`${assetIri.slice(0, assetIri.lastIndexOf('/') + 1)}bench-${i}`);
  return asset.map((q) => DataFactory.quad(q.subject.value === assetIri ? subject : q.subject, q.predicate, q.object, q.graph));
}).flat();

const engines: { name: string; suite: () => Promise<SuiteOutcome | Awaited<ReturnType<typeof compiledSuite>>>; compile: () => Validate }[] = [
  {
    name: shaclEngine.name,
    suite: () => runShaclSuite(shaclEngine, cases),
    compile: () => {
      const validator = new ShaclValidator(shapes, { fieldNames });
      return (data) => validator.validate(data);
    },
  },
  { name: rdfValidateShacl.name, suite: () => runShaclSuite(rdfValidateShacl, cases), compile: () => rdfValidateShacl.compile(shapes) },
  {
    name: 'compiled',
    suite: () => compiledSuite(cases),
    compile: () => {
      const validator = new CompiledValidator(shapes, { fieldNames });
      return (data) => validator.validate(data);
    },
  },
];

const results = [];
for (const engine of engines) {
  const suiteOutcome = await engine.suite();
  const fmarAsset = await timeValidations(engine.compile, asset, rounds);
  let fmarOrganisation: Timing | string;
  try {
    fmarOrganisation = await timeValidations(engine.compile, organisation, Math.min(rounds, 50), 5);
  } catch (error) {
    fmarOrganisation = `fails: ${(error as Error).message.split('\n')[0]}`;
  }
  const batchTiming = await timeValidations(engine.compile, batch, batchRounds, 1);
  results.push({
    engine: engine.name,
    suite:
      'passed' in suiteOutcome
        ? {
            total: cases.length,
            passed: suiteOutcome.passed.length,
            core: { total: coreCases.length, passed: suiteOutcome.passed.filter((n) => n.startsWith('core/')).length },
            sparql: { total: cases.length - coreCases.length, passed: suiteOutcome.passed.filter((n) => n.startsWith('sparql/')).length },
            milliseconds: Math.round(suiteOutcome.milliseconds),
            failed: suiteOutcome.failed.map((f) => f.name),
          }
        : { total: cases.length, ...suiteOutcome },
    fmarAsset,
    fmarOrganisation,
    fmarBatch: { records: batchSize, perBatchMs: batchTiming.perValidationMs, perRecordMs: batchTiming.perValidationMs / batchSize, compileMs: batchTiming.compileMs },
  });
}

console.log(`W3C SHACL suite (${cases.length} cases: ${coreCases.length} core, ${cases.length - coreCases.length} SPARQL) and FMAR validation (${rounds} rounds; organisation ${Math.min(rounds, 50)}; batch of ${batchSize} assets ${batchRounds} rounds)`);
console.log('engine              | W3C suite                       | compile ms | asset ms | assets/s | organisation ms | batch ms/asset');
for (const r of results) {
  const suite = 'passed' in r.suite ? `${r.suite.passed}/${r.suite.total} passed` : `${r.suite.compiled} compiled, ${r.suite.identical} = shacl-engine`;
  const org = typeof r.fmarOrganisation === 'string' ? r.fmarOrganisation : r.fmarOrganisation.perValidationMs.toFixed(2);
  console.log(
    `${r.engine.padEnd(19)} | ${suite.padEnd(31)} | ${r.fmarAsset.compileMs.toFixed(1).padEnd(10)} | ${r.fmarAsset.perValidationMs.toFixed(3).padEnd(8)} | ${r.fmarAsset.perSecond.toFixed(0).padEnd(8)} | ${org.padEnd(15)} | ${r.fmarBatch.perRecordMs.toFixed(3)}`,
  );
}
const [reference, other, compiled] = results;
console.log(`ratio: ${other.engine} asset validation takes ${(other.fmarAsset.perValidationMs / reference.fmarAsset.perValidationMs).toFixed(2)}x the time of ${reference.engine}`);
console.log(`ratio: ${reference.engine} asset validation takes ${(reference.fmarAsset.perValidationMs / compiled.fmarAsset.perValidationMs).toFixed(0)}x the time of ${compiled.engine}`);
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/validation-engines.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds, batch: { records: batchSize, rounds: batchRounds }, results }, null, 2)}\n`);
