import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FMAR_SHAPES } from '../../../src/rdf/namespaces.js';
import { readRdfFile } from '../../../src/rdf/readRdfFile.js';
import { loadFmarValidation, type FmarValidation } from '../../../src/validation/loadFmarValidator.js';
import { fixturesDir, readFixtureManifest, root, type RuleFixture } from '../../support/fixtures.js';

const manifest = await readFixtureManifest();

describe('The SHACL validator with the generated FMAR shapes', () => {
  let fmar: FmarValidation;
  before(async () => {
    fmar = await loadFmarValidation(join(root, 'shapes'));
  });

  for (const example of ['docs/examples/asset.jsonld', 'docs/examples/organisation.jsonld']) {
    it(`accepts ${example} without warnings`, async () => {
      const report = await fmar.validator.validate(await readRdfFile(join(root, example), fmar.documentLoader));
      assert.deepEqual(report.results, []);
      assert.equal(report.conforms, true);
    });
  }

  describe('rule fixtures (test/fixtures/manifest.json)', () => {
    for (const fixture of manifest) {
      it(`${fixture.conforms ? 'accepts' : 'rejects'} ${fixture.file}: ${fixture.rule}`, async () => {
        await checkFixture(fmar, fixture);
      });
    }
  });

  it('covers every asset and organisation table rule with a valid and an invalid fixture', () => {
    for (const table of ['asset-attributes.csv', 'organisation-attributes.csv']) {
      const rules = new Set(manifest.filter((f) => f.rule.startsWith(table)).map((f) => f.rule.split(':')[0]));
      for (const rule of rules) {
        const cases = manifest.filter((f) => f.rule.split(':')[0] === rule);
        assert.ok(cases.some((f) => f.conforms), `no valid fixture for ${rule}`);
        assert.ok(cases.some((f) => !f.conforms), `no invalid fixture for ${rule}`);
      }
    }
  });
});

async function checkFixture(fmar: FmarValidation, fixture: RuleFixture): Promise<void> {
  const path = join(fixturesDir, fixture.file);
  let report;
  try {
    report = await fmar.validator.validate(await readRdfFile(path, fmar.documentLoader));
  } catch (error) {
    // A body JSON-LD itself refuses (unknown key) never reaches SHACL: that is a rejection too.
    assert.equal(fixture.conforms, false, `valid fixture failed to parse: ${(error as Error).message}`);
    assert.deepEqual(fixture.violations ?? [], [], 'parse-level rejections list no SHACL violations');
    return;
  }
  const describe = (r: { field?: string; sourceShape?: string; message: string }): string => `${r.field} ${r.sourceShape?.replace(FMAR_SHAPES, '')}: ${r.message}`;
  assert.equal(report.conforms, fixture.conforms, report.results.map(describe).join('\n'));
  for (const [severity, expected] of [['Violation', fixture.violations ?? []], ['Warning', fixture.warnings ?? []]] as const) {
    for (const e of expected) {
      assert.ok(
        report.results.some((r) => r.severity === severity && r.field === e.field && r.sourceShape === FMAR_SHAPES + e.shape),
        `expected a ${severity} on ${e.field} from ${e.shape}; got:\n${report.results.map(describe).join('\n')}`,
      );
    }
  }
  if (fixture.conforms) {
    const unexpected = report.results.filter((r) => !(fixture.warnings ?? []).some((w) => w.field === r.field && FMAR_SHAPES + w.shape === r.sourceShape));
    assert.deepEqual(unexpected.map(describe), [], 'a valid fixture has no results beyond its expected warnings');
  }
}
