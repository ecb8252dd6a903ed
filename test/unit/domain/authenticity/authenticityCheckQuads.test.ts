import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuthenticityChecks } from '../../../../src/domain/authenticity/AuthenticityChecks.js';
import { authenticityCheckQuads, newAuthenticityCheckIri } from '../../../../src/domain/authenticity/authenticityCheckQuads.js';
import { RecordedResponseVerifier } from '../../../../src/domain/authenticity/RecordedResponseVerifier.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../../src/domain/RecordKind.js';
import { FMAR, FMAR_CODE, PROV, RDF } from '../../../../src/rdf/namespaces.js';
import { selectBindings } from '../../../../src/store/selectBindings.js';
import { loadFmarValidation } from '../../../../src/validation/loadFmarValidator.js';
import { fixturesDir, root } from '../../../support/fixtures.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

describe('authenticityCheckQuads: a check as a PROV activity graph', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
  after(() => t.close());

  it('describes the check, the version it used, its sources and findings, in one graph that conforms to the shapes; histories ignore it', async () => {
    const admin = { agentIri: `${BASE}agents/administrator` };
    const fspA = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    const fspB = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    const held = await t.registry.records.create(ASSET_KIND, { ...(await exampleBody('asset')), importMPAN: '1000000000021', exportMPAN: '1098765432106' }, { ...admin, onBehalfOf: fspA.iri });
    // Another FSP's asset: the same import MPAN (ECOES was down when asked about it) and an export MPAN with a wrong
    // check digit (no ECOES answer recorded).
    const asset = await t.registry.records.create(ASSET_KIND, { ...(await exampleBody('asset')), importMPAN: '1000000000021', exportMPAN: '1098765432109', friendlyCode: undefined, serialNumber: undefined }, { ...admin, onBehalfOf: fspB.iri });
    const ecoes = await RecordedResponseVerifier.fromFile(join(fixturesDir, 'authenticity/ecoes-mpan-responses.json'));
    const result = await new AuthenticityChecks({ store: t.registry.store, model: t.registry.model, baseIri: BASE, verifiers: [ecoes] }).check(asset);
    assert.equal(result.status, 'QUERY');

    const activityIri = newAuthenticityCheckIri(BASE);
    assert.match(activityIri, /^http:\/\/registry\.test\/activities\/[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const quads = authenticityCheckQuads(result, { activityIri, agentIri: `${BASE}agents/registry` });
    assert.deepEqual([...new Set(quads.map((q) => q.graph.value))], [activityIri], 'one graph, the activity\'s');
    const objects = (s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object.value);
    assert.deepEqual(objects(activityIri, `${RDF}type`).sort(), [`${PROV}Activity`, `${FMAR}AuthenticityCheck`, `${FMAR}RegistryActivity`].sort());
    assert.deepEqual(objects(activityIri, `${FMAR}useCase`), ['UC-02.02']);
    assert.deepEqual(objects(activityIri, `${FMAR}resultingStatus`), [`${FMAR_CODE}AssetRegistrationStatus/QUERY`]);
    assert.deepEqual(objects(activityIri, `${PROV}used`), [`${asset.iri}/versions/1`, ...result.sources]);
    assert.deepEqual(objects(`${asset.iri}/versions/1`, `${PROV}specializationOf`), [asset.iri]);
    const findings = objects(activityIri, `${PROV}generated`);
    assert.equal(findings.length, result.findings.length);
    assert.deepEqual(findings.slice(0, 2), [`${activityIri}#finding-1`, `${activityIri}#finding-2`]);
    const duplicate = findings.find((f) => objects(f, `${FMAR}findingCheck`)[0] === `${FMAR_CODE}AuthenticityCheckType/DUPLICATE_IDENTIFIER` && objects(f, `${FMAR}findingOutcome`)[0] === `${FMAR_CODE}VerificationOutcome/QUERY`)!;
    assert.deepEqual(objects(duplicate, `${FMAR}conflictingRecord`), [held.iri]);
    const pending = findings.filter((f) => objects(f, `${FMAR}findingInconclusive`)[0] === 'true');
    assert.deepEqual(pending.map((f) => [objects(f, `${FMAR}findingAttribute`)[0], objects(f, `${FMAR}findingSource`)[0]]), [['importMPAN', 'https://www.ecoes.co.uk/'], ['exportMPAN', 'https://www.ecoes.co.uk/']]);

    const { validator } = await loadFmarValidation(join(root, 'shapes'));
    const report = await validator.validate(quads);
    assert.deepEqual(report.results, []);

    await t.registry.store.commit({ add: quads });
    assert.equal((await t.registry.records.history(ASSET_KIND, asset.id)).length, 1, 'the check generated no version of the asset');
    const rows = await selectBindings(t.registry.store, `SELECT ?attribute ?outcome WHERE { GRAPH ?check {
      ?check a <${FMAR}AuthenticityCheck> ; <${PROV}used> ?version ; <${PROV}generated> ?finding .
      ?version <${PROV}specializationOf> <${asset.iri}> .
      ?finding <${FMAR}findingAttribute> ?attribute ; <${FMAR}findingOutcome> ?outcome ; <${FMAR}findingCheck> <${FMAR_CODE}AuthenticityCheckType/MPAN_CHECK_DIGIT> } } ORDER BY ?attribute`);
    assert.deepEqual(rows.map((r) => [r.attribute.value, r.outcome.value.slice(r.outcome.value.lastIndexOf('/') + 1)]), [['exportMPAN', 'QUERY'], ['importMPAN', 'CONFIRMED']]);
  });
});
