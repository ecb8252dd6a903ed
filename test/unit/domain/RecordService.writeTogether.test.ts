import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import { DataFactory } from 'n3';
import { audience } from '../../../src/access/audiences.js';
import { DuplicateRecordError, InvalidRecordError, StateConflictError } from '../../../src/domain/errors.js';
import { ASSET_KIND, MARKET_UNIT_KIND, MEMBERSHIP_KIND, SPU_KIND } from '../../../src/domain/RecordKind.js';
import type { Actor, RecordChange, RecordState } from '../../../src/domain/RecordService.js';
import { code, value } from '../../../src/domain/recordValues.js';
import { ADMIN, asset, organisation } from '../../support/domainRecords.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

const { namedNode, literal, quad } = DataFactory;

/** RecordService.writeTogether: several record writes as one transaction (issue #8). */
describe('RecordService.writeTogether', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fspA: RecordState;
  let fspB: RecordState;
  let actorA: Actor;
  let seq = 0;
  let example: Record<string, unknown>;
  /** A registration body of a new asset (the docs example without its capacities and export MPAN). */
  const assetBody = (assetName: string) => ({ ...example, assetName, serialNumber: `WT-${++seq}` });

  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    fspA = await organisation(t.registry, ['FSP']);
    fspB = await organisation(t.registry, ['FSP']);
    actorA = { ...ADMIN, onBehalfOf: fspA.iri };
    const { exportMPAN: _e, genCapacity: _g, demandCapacity: _d, installedCapacity: _i, ...body } = await exampleBody('asset');
    example = body;
  });
  after(() => t.close());

  const rename = (a: RecordState, name: string, useCase = 'UC-02.04'): RecordChange => ({ transition: ASSET_KIND, id: a.id, useCase, changes: { assetName: name } });

  /** The creation of an SPU of FSP A in area _A (as MarketUnitService.create writes it) and a membership of `member`. */
  function unitWithMember(id: string, member: RecordState): RecordChange[] {
    const point = `${BASE}accounting-points/${value(member, 'importMPAN')}`;
    return [
      { create: SPU_KIND, id, body: { marketUnitId: id, '@type': 'ServiceProvidingUnit', unitAccountingPoint: point }, system: { '@type': ['ServiceProvidingUnit', 'MarketUnit'], unitGspGroups: ['_A'] } },
      { create: MEMBERSHIP_KIND, body: { ofMarketUnit: `${BASE}market-units/${id}`, memberAsset: member.iri }, system: { memberSince: new Date().toISOString() } },
    ];
  }

  /** What a failed unit must leave as it was: the journal head and each record's version and name. */
  async function snapshot(records: RecordState[]) {
    return { head: t.registry.store.head(), states: await Promise.all(records.map(async (r) => { const s = await t.registry.records.get(ASSET_KIND, r.id); return [s.version, value(s, 'assetName')]; })) };
  }

  it('stores nothing when the third change breaks a shape', async () => {
    const [a1, a2, a3] = [await asset(t.registry, fspA.iri), await asset(t.registry, fspA.iri), await asset(t.registry, fspA.iri)];
    const newId = uuidv7();
    const before = await snapshot([a1, a2, a3]);
    await assert.rejects(
      t.registry.records.writeTogether([
        { create: ASSET_KIND, id: newId, body: assetBody('Never stored') },
        rename(a1, 'First'),
        { transition: ASSET_KIND, id: a3.id, useCase: 'UC-02.04', changes: { ratedCapacity: -5 } },
        rename(a2, 'Second'),
      ], actorA),
      (e: unknown) => e instanceof InvalidRecordError && e.stage === 'shacl' && e.results.some((r) => r.path?.endsWith('#ratedCapacity')),
    );
    assert.deepEqual(await snapshot([a1, a2, a3]), before);
    assert.equal(await t.registry.records.exists(ASSET_KIND, newId), false);
  });

  it('stores nothing when the guard of the third change refuses', async () => {
    const [a1, a2, a3] = [await asset(t.registry, fspA.iri), await asset(t.registry, fspA.iri), await asset(t.registry, fspA.iri)];
    const before = await snapshot([a1, a2, a3]);
    const seen: string[] = [];
    await assert.rejects(
      t.registry.records.writeTogether([
        rename(a1, 'First'),
        rename(a2, 'Second'),
        { transition: ASSET_KIND, id: a3.id, useCase: 'UC-02.04', changes: { assetName: 'Third' }, guard: (current) => {
          seen.push(`${current.id} v${current.version}`);
          throw new StateConflictError('refused by the guard', { currentStatus: code(current, 'assetRegistrationStatus') });
        } },
      ], actorA),
      (e: unknown) => e instanceof StateConflictError && e.extras.currentStatus === 'PENDING_VALIDATION',
    );
    assert.deepEqual(seen, [`${a3.id} v1`], 'the guard sees the stored state');
    assert.deepEqual(await snapshot([a1, a2, a3]), before);
  });

  it('commits the whole unit, with the quads of `also`, as one journal record', async () => {
    const [a1, a2] = [await asset(t.registry, fspA.iri), await asset(t.registry, fspA.iri)];
    const newId = uuidv7();
    const marker = namedNode(`${BASE}test-markers/${newId}`);
    const before = t.registry.store.head().sequence;
    const states = await t.registry.records.writeTogether([
      rename(a1, 'Together 1'),
      { create: ASSET_KIND, id: newId, body: assetBody('Together new') },
      rename(a2, 'Together 2'),
    ], actorA, [quad(marker, namedNode(`${BASE}test#note`), literal('kept'), marker)]);
    assert.equal(t.registry.store.head().sequence, before + 1);
    assert.deepEqual(states.map((s) => [s.id, s.version]), [[a1.id, 2], [newId, 1], [a2.id, 2]]);
    const [record, ...more] = await t.registry.store.readJournal(before + 1, 10);
    assert.equal(more.length, 0);
    const graphs = new Set(record.added.map((q) => q.graph.value));
    for (const iri of [a1.iri, a2.iri, `${BASE}assets/${newId}`, marker.value]) assert.ok(graphs.has(iri), `${iri} is in the journal record`);
    assert.equal(value(await t.registry.records.get(ASSET_KIND, newId), 'responsibleFSP'), fspA.iri);
    assert.equal((await t.registry.store.readGraph(marker.value)).length, 1);
  });

  it('refuses a caller-given ID that exists, and stores nothing of the unit', async () => {
    const a1 = await asset(t.registry, fspA.iri);
    const taken = await asset(t.registry, fspA.iri);
    const before = await snapshot([a1, taken]);
    await assert.rejects(
      t.registry.records.writeTogether([rename(a1, 'Not stored'), { create: ASSET_KIND, id: taken.id, body: assetBody('Clash') }], actorA),
      (e: unknown) => e instanceof DuplicateRecordError && e.existingId === taken.id && e.existingIri === taken.iri && e.matchedOn.join() === 'assetId',
    );
    assert.deepEqual(await snapshot([a1, taken]), before);
  });
  it('refuses two creates with the same caller-given ID in one unit', async () => {
    const id = uuidv7();
    const before = t.registry.store.head().sequence;
    await assert.rejects(t.registry.records.writeTogether([{ create: ASSET_KIND, id, body: assetBody('One') }, { create: ASSET_KIND, id, body: assetBody('Two') }], actorA), DuplicateRecordError);
    assert.equal(t.registry.store.head().sequence, before);
    assert.equal(await t.registry.records.exists(ASSET_KIND, id), false);
  });

  it('gives a membership created with its unit the unit\'s readers', async () => {
    const member = await asset(t.registry, fspA.iri);
    const id = `WT-UNIT-${++seq}`;
    const [unit, membership] = await t.registry.records.writeTogether(unitWithMember(id, member), actorA);
    const unitReaders = unit.access.get(unit.iri)!;
    assert.ok(unitReaders.includes(audience.portfolio(fspA.iri)));
    assert.ok(unitReaders.includes(audience.area(BASE, '_A')));
    const stored = await t.registry.records.get(MEMBERSHIP_KIND, membership.id);
    for (const state of [membership, stored]) {
      assert.deepEqual([...state.access.get(state.iri)!].sort(), [...unitReaders].sort(), 'the public part is read by the unit\'s readers (the regulator among them)');
      assert.ok(state.access.get(`${state.iri}#restricted`)?.includes(audience.portfolio(fspA.iri)));
    }
    assert.equal(stored.access.get(`${stored.iri}#personal`), undefined, 'a membership has no personal readers');
  });

  it('re-indexes a membership for the unit\'s new FSP when the unit moves in the same unit of work', async () => {
    const member = await asset(t.registry, fspA.iri);
    const id = `WT-UNIT-${++seq}`;
    const [, membership] = await t.registry.records.writeTogether(unitWithMember(id, member), actorA);
    const move: RecordChange = { transition: MARKET_UNIT_KIND, id, useCase: 'UC-03.02', changes: { responsibleFSP: fspB.iri, previousResponsibleFSPs: [fspA.iri], reassignmentEvidence: 'unit test' } };
    const before = await t.registry.records.get(MEMBERSHIP_KIND, membership.id);
    const states = await t.registry.records.writeTogether([move, { reindex: MEMBERSHIP_KIND, id: membership.id }], { ...ADMIN, onBehalfOf: fspB.iri });
    assert.deepEqual(states.map((s) => s.id), [id], 'a reindex writes no version and returns no state');
    const after = await t.registry.records.get(MEMBERSHIP_KIND, membership.id);
    assert.equal(after.version, before.version);
    const readers = after.access.get(after.iri)!;
    assert.ok(readers.includes(audience.portfolio(fspB.iri)), 'the new FSP reads it');
    assert.ok(!readers.includes(audience.portfolio(fspA.iri)), 'the old FSP does not');
    const activities = (m: RecordState) => [...m.access.keys()].filter((g) => g.includes('/activities/'));
    assert.deepEqual(activities(after), activities(before), 'the membership\'s own activity stays indexed');
    for (const a of activities(after)) assert.ok(after.access.get(a)!.includes(audience.portfolio(fspB.iri)));
  });

  it('leaves a membership with the old FSP\'s readers when the unit moves without a reindex', async () => {
    const member = await asset(t.registry, fspA.iri);
    const id = `WT-UNIT-${++seq}`;
    const [, membership] = await t.registry.records.writeTogether(unitWithMember(id, member), actorA);
    await t.registry.records.writeTogether([{ transition: MARKET_UNIT_KIND, id, useCase: 'UC-03.02', changes: { responsibleFSP: fspB.iri } }], { ...ADMIN, onBehalfOf: fspB.iri });
    const readers = (await t.registry.records.get(MEMBERSHIP_KIND, membership.id)).access.get(membership.iri)!;
    assert.ok(readers.includes(audience.portfolio(fspA.iri)));
    assert.ok(!readers.includes(audience.portfolio(fspB.iri)));
  });

  it('records each transition as its own activity with the use case given, and a create with its override', async () => {
    const [a1, a2] = [await asset(t.registry, fspA.iri), await asset(t.registry, fspA.iri)];
    const member = await asset(t.registry, fspA.iri);
    const id = `WT-UNIT-${++seq}`;
    const [unitChange, membershipChange] = unitWithMember(id, member);
    const states = await t.registry.records.writeTogether([unitChange, rename(a1, 'Switched', 'UC-03.04'), rename(a2, 'Composed', 'UC-03.03'), { ...membershipChange, useCase: 'UC-03.03' } as RecordChange], actorA);
    const [h1, h2] = [await t.registry.records.history(ASSET_KIND, a1.id), await t.registry.records.history(ASSET_KIND, a2.id)];
    assert.deepEqual(h1.map((h) => [h.version, h.useCase]), [[1, 'UC-02.02'], [2, 'UC-03.04']]);
    assert.deepEqual(h2.map((h) => [h.version, h.useCase]), [[1, 'UC-02.02'], [2, 'UC-03.03']]);
    assert.notEqual(h1[1].activity, h2[1].activity);
    assert.deepEqual(h1[1].agents.sort(), [ADMIN.agentIri, fspA.iri].sort());
    assert.deepEqual((await t.registry.records.history(MARKET_UNIT_KIND, id)).map((h) => h.useCase), ['UC-03.01']);
    assert.deepEqual((await t.registry.records.history(MEMBERSHIP_KIND, states[3].id)).map((h) => h.useCase), ['UC-03.03']);
  });
});
