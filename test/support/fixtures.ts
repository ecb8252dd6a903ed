import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../src/projectRoot.js';

/** The rule fixtures of test/fixtures/manifest.json: one valid and one invalid example per table rule. */
export interface FixtureExpectation {
  field: string;
  /** Local name of the shape in https://w3id.org/fmar/shapes#. */
  shape: string;
}

export interface RuleFixture {
  file: string;
  rule: string;
  conforms: boolean;
  violations?: FixtureExpectation[];
  warnings?: FixtureExpectation[];
  /** Whether the generated JSON Schema already rejects the body (false: SHACL-only rules). */
  jsonSchemaRejects?: boolean;
}

export const root = projectRoot();
export const fixturesDir = join(root, 'test/fixtures');

export async function readFixtureManifest(): Promise<RuleFixture[]> {
  return JSON.parse(await readFile(join(fixturesDir, 'manifest.json'), 'utf8')) as RuleFixture[];
}

export async function readFixture(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(fixturesDir, file), 'utf8')) as Record<string, unknown>;
}
