import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFixtureManifest, root } from '../support/fixtures.js';

const run = promisify(execFile);
const fmar = ['--import', 'tsx', join(root, 'src/cli/fmar.ts')];

async function fmarValidate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...fmar, 'validate', ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('fmar validate', () => {
  it('accepts the example asset and organisation (exit 0)', async () => {
    const result = await fmarValidate('docs/examples/asset.jsonld', 'docs/examples/organisation.jsonld');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /docs\/examples\/asset.jsonld: conforms \(0 violations, 0 warnings\)/);
  });

  it('rejects every negative fixture with the field at fault (exit 1)', async () => {
    const negatives = (await readFixtureManifest()).filter((f) => !f.conforms && (f.violations ?? []).length > 0);
    const result = await fmarValidate('--json', ...negatives.map((f) => join('test/fixtures', f.file)));
    assert.equal(result.code, 1, result.stderr);
    const reports = JSON.parse(result.stdout) as { file: string; conforms: boolean; results: { field?: string; severity: string }[] }[];
    for (const fixture of negatives) {
      const report = reports.find((r) => r.file.endsWith(fixture.file));
      assert.ok(report, `no report for ${fixture.file}`);
      assert.equal(report.conforms, false, fixture.file);
      for (const v of fixture.violations!) assert.ok(report.results.some((r) => r.severity === 'Violation' && r.field === v.field), `${fixture.file}: no violation on ${v.field}`);
    }
  });

  it('prints focus node, field, value and message', async () => {
    const result = await fmarValidate('test/fixtures/asset/invalid/ratedCapacity-three-decimals.jsonld');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Violation\s+ratedCapacity = "3.141"\n\s+ratedCapacity must be a plain number of kW with at most 2 decimal places/);
    assert.match(result.stdout, /focus https:\/\/registry.fmar.example\/assets\//);
  });

  it('reads Turtle, N-Triples and N-Quads too, and says why an unreadable file fails (exit 2)', async () => {
    const ttl = await fmarValidate('test/fixtures/asset/valid/rdf/asset.ttl', 'test/fixtures/asset/valid/rdf/asset.nt', 'test/fixtures/asset/valid/rdf/asset.nq');
    assert.equal(ttl.code, 0, ttl.stdout + ttl.stderr);
    const bad = await fmarValidate('test/fixtures/asset/invalid/rdf/truncated.ttl');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Turtle syntax error/);
  });

  it('fails a file with only warnings under --strict', async () => {
    const result = await fmarValidate('--strict', 'test/fixtures/asset/valid/dnoConnection-mismatch-warns.jsonld');
    assert.equal(result.code, 1);
  });
});
