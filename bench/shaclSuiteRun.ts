import { compareReports, type ShaclTestCase } from '../test/conformance/shaclManifest.js';
import type { ShaclEngine } from '../test/conformance/shaclEngines.js';

/** Runs every case of the W3C SHACL suite through an engine: passes, failures with reasons, and time. */
export interface SuiteOutcome {
  engine: string;
  passed: string[];
  failed: { name: string; reason: string }[];
  milliseconds: number;
}

export async function runShaclSuite(engine: ShaclEngine, cases: ShaclTestCase[]): Promise<SuiteOutcome> {
  const outcome: SuiteOutcome = { engine: engine.name, passed: [], failed: [], milliseconds: 0 };
  const start = performance.now();
  for (const testCase of cases) {
    let reason: string | undefined;
    try {
      const run = await engine.compile(testCase.shapes)(testCase.data);
      reason = compareReports(testCase, run);
    } catch (error) {
      reason = testCase.expected === 'failure' ? undefined : `threw: ${(error as Error).message.split('\n')[0]}`;
    }
    if (reason) outcome.failed.push({ name: testCase.name, reason });
    else outcome.passed.push(testCase.name);
  }
  outcome.milliseconds = performance.now() - start;
  return outcome;
}
