import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { audience } from '../../../src/access/audiences.js';
import type { Principal } from '../../../src/access/Principal.js';
import { DuplicateRecordError, InvalidRecordError, StateConflictError, VersionConflictError } from '../../../src/domain/errors.js';
import { activeMembershipsOfAsset, compositionAt, currentMembersOf } from '../../../src/domain/marketUnitMemberships.js';
import { MarketUnitService } from '../../../src/domain/MarketUnitService.js';
import { readPublishedBmUnit } from '../../../src/domain/publishedBmUnits.js';
import { importIntoRegistry } from '../../../src/import/importIntoRegistry.js';
import { projectRoot } from '../../../src/projectRoot.js';
import { selectBindings } from '../../../src/store/selectBindings.js';
import { MARKET_UNIT_KIND, MEMBERSHIP_KIND, QUALIFICATION_KIND, SERVICE_WINDOW_KIND } from '../../../src/domain/RecordKind.js';
import type { RecordState } from '../../../src/domain/RecordService.js';
import { code, codes, value } from '../../../src/domain/recordValues.js';
import { mpan } from '../../support/fspAccounts.js';
import { ADMIN, asset, organisation, userOf } from '../../support/domainRecords.js';
import { BASE, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

type Facts = Parameters<MarketUnitService['materialChanges']>[0][number];

const point = (first12: string) => `${BASE}accounting-points/${mpan(first12)}`;

/** A member asset's facts as the unit rules read them, without a stored asset. */
function facts(id: string, f: { point?: string; areas?: string[]; capacity?: number; category?: string } = {}): Facts {
  return { state: { iri: `${BASE}assets/${id}`, id, version: 1, quads: [], access: new Map() }, accountingPoint: f.point, areas: f.areas ?? ['_A'], capacity: f.capacity ?? 0, category: f.category };
}

describe('MarketUnitService', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fspA: RecordState;
  let dno: RecordState;
  let principalA: Principal;
  let units: MarketUnitService;
  let seq = 0;
  /** The instant the service under test takes as now. */
  let now = new Date('2030-06-15T12:00:00.000Z');

  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    fspA = await organisation(t.registry, ['FSP']);
    dno = await organisation(t.registry, ['DNO'], { networkAreas: ['_A'] });
    principalA = userOf(fspA.iri, ['FSP']);
    units = new MarketUnitService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, now: () => now });
  });
  after(() => t.close());

  const unitId = () => `MU-TEST-${++seq}`;

  describe('type rule (UC-03.01)', () => {
    it('gives an SPU the one accounting point of its assets', () => {
      assert.equal(units.checkTypeRule('SPU', [facts('a1', { point: point('101234567890') }), facts('a2', { point: point('101234567890') })], undefined), point('101234567890'));
    });

    it('refuses an SPU behind two accounting points, pointing to an SPG', () => {
      assert.throws(() => units.checkTypeRule('SPU', [facts('a1', { point: point('101234567890') }), facts('a2', { point: point('101234567891') })], undefined), (e: unknown) => {
        assert.ok(e instanceof InvalidRecordError);
        assert.equal(e.stage, 'body');
        assert.match(e.message, /one accounting point; these assets are behind 2/);
        assert.equal(e.results.length, 1);
        assert.equal(e.results[0].field, 'assets');
        assert.match(e.results[0].message, /as an SPG \(marketUnitType SPG\)/);
        assert.equal(e.results[0].sourceShape, 'UC-03.01 SPU rule');
        return true;
      });
    });

    it('refuses an SPG whose assets are all behind one accounting point, and takes one behind two', () => {
      assert.throws(() => units.checkTypeRule('SPG', [facts('a1', { point: point('101234567890') }), facts('a2', { point: point('101234567890') })], undefined), (e: unknown) => e instanceof InvalidRecordError && /more than one accounting point/.test(e.message) && e.results[0].sourceShape === 'UC-03.01 SPG rule');
      assert.equal(units.checkTypeRule('SPG', [facts('a1', { point: point('101234567890') }), facts('a2', { point: point('101234567891') })], undefined), undefined);
    });

    it('refuses assets without an accounting point, naming each of them, for either type', () => {
      for (const type of ['SPU', 'SPG'] as const) {
        assert.throws(() => units.checkTypeRule(type, [facts('a1', { point: point('101234567890') }), facts('a2'), facts('a3')], undefined), (e: unknown) => {
          assert.ok(e instanceof InvalidRecordError);
          assert.deepEqual(e.results.map((r) => [r.field, r.value]), [['assets', 'a2'], ['assets', 'a3']]);
          assert.match(e.results[0].message, /accountingPoint, importMPAN or exportMPAN/);
          return true;
        });
      }
    });

    it('takes a declared SPU accounting point only when it is the assets\' own (IRI or ID)', () => {
      const members = [facts('a1', { point: point('101234567890') })];
      assert.equal(units.checkTypeRule('SPU', members, point('101234567890')), point('101234567890'));
      assert.equal(units.checkTypeRule('SPU', members, mpan('101234567890')), point('101234567890'));
      assert.throws(() => units.checkTypeRule('SPU', members, mpan('101234567891')), (e: unknown) => e instanceof InvalidRecordError && e.results[0].field === 'unitAccountingPoint');
      assert.throws(() => units.checkTypeRule('SPU', members, ''), (e: unknown) => e instanceof InvalidRecordError && e.results[0].field === 'unitAccountingPoint');
    });

    it('reads an asset\'s accounting point from accountingPoint, else its import MPAN, else its export MPAN', async () => {
      const declared = await asset(t.registry, fspA.iri, '101234567001', { accountingPoint: mpan('101234567002'), exportMPAN: mpan('101234567003') });
      const both = await asset(t.registry, fspA.iri, '101234567004', { exportMPAN: mpan('101234567005') });
      const exportOnly = await asset(t.registry, fspA.iri, '101234567000', { importMPAN: undefined, exportMPAN: mpan('101234567006') });
      const read = async (a: RecordState) => (await units.factsOf(a.iri)).accountingPoint;
      assert.equal(await read(declared), point('101234567002'));
      assert.equal(await read(both), point('101234567004'));
      assert.equal(await read(exportOnly), point('101234567006'));
      const f = await units.factsOf(both.iri);
      assert.deepEqual([f.state.id, f.areas, f.capacity, f.category], [both.id, ['_A'], 5000, 'BESS']);
    });

    it('puts an asset whose accountingPoint is an MPAN behind the same point as one known by that import MPAN', async () => {
      const byPoint = await asset(t.registry, fspA.iri, '101234567007', { importMPAN: undefined, exportMPAN: mpan('101234567009'), accountingPoint: mpan('101234567008') });
      const byMpan = await asset(t.registry, fspA.iri, '101234567008');
      const unit = await units.create({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [byPoint.id, byMpan.id] }, principalA);
      assert.equal(value(unit, 'unitAccountingPoint'), point('101234567008'));
    });
    it('does not store an accounting point declared for an SPG', async () => {
      const a1 = await asset(t.registry, fspA.iri, '101234567010');
      const a2 = await asset(t.registry, fspA.iri, '101234567011');
      const id = unitId();
      let stored: RecordState | undefined;
      try {
        stored = await units.create({ marketUnitType: 'SPG', marketUnitId: id, unitAccountingPoint: mpan('101234567010'), assets: [a1.id, a2.id] }, principalA);
      } catch (error) {
        assert.ok(error instanceof InvalidRecordError && error.results.some((r) => r.field === 'unitAccountingPoint'), String(error));
        assert.equal(await t.registry.records.exists(MARKET_UNIT_KIND, id), false);
        return;
      }
      assert.equal(value(stored, 'unitAccountingPoint'), undefined);
    });
  });

  describe('materiality (UC-03.03)', () => {
    const cap = (...capacities: number[]) => capacities.map((c, i) => facts(`c${i}`, { capacity: c, category: 'BESS' }));

    it('counts a capacity move beyond the share (10%) as material, and one within it as not', () => {
      assert.deepEqual(units.materialChanges(cap(60, 40), cap(60, 40, 10)), []);
      assert.deepEqual(units.materialChanges(cap(60, 40), cap(60, 40, 11)), ['ratedCapacity']);
      assert.deepEqual(units.materialChanges(cap(60, 40), cap(89)), ['ratedCapacity']);
      assert.deepEqual(units.materialChanges(cap(60, 40), cap(90)), []);
    });

    it('takes the share from its constructor', () => {
      const lenient = new MarketUnitService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, materialCapacityShare: 0.5 });
      assert.deepEqual(lenient.materialChanges(cap(100), cap(150)), []);
      assert.deepEqual(lenient.materialChanges(cap(100), cap(151)), ['ratedCapacity']);
      assert.deepEqual(lenient.materialChanges(cap(100), cap(49)), ['ratedCapacity']);
    });

    it('treats any capacity gained by a zero-capacity unit as material, and none as not', () => {
      assert.deepEqual(units.materialChanges(cap(0), cap(0, 0)), []);
      assert.deepEqual(units.materialChanges(cap(0), cap(0, 1)), ['ratedCapacity']);
      assert.deepEqual(units.materialChanges(cap(5), cap(0)), ['ratedCapacity']);
    });

    it('counts a technology (asset category) gained or lost', () => {
      const bess = facts('b', { capacity: 50, category: 'BESS' });
      const ev = facts('e', { capacity: 0, category: 'EV' });
      const unknown = facts('u', { capacity: 0 });
      assert.deepEqual(units.materialChanges([bess], [bess, ev]), ['assetCategory']);
      assert.deepEqual(units.materialChanges([bess, ev], [bess]), ['assetCategory']);
      assert.deepEqual(units.materialChanges([bess], [bess, facts('b2', { capacity: 0, category: 'BESS' })]), []);
      assert.deepEqual(units.materialChanges([bess, unknown], [bess]), [], 'an asset without a category adds no technology');
    });

    it('counts a GSP group gained or lost, in any order', () => {
      const a = facts('a', { capacity: 50, areas: ['_A'] });
      const b = facts('b', { capacity: 0, areas: ['_B'] });
      assert.deepEqual(units.materialChanges([a], [a, b]), ['unitGspGroups']);
      assert.deepEqual(units.materialChanges([a, b], [a]), ['unitGspGroups']);
      assert.deepEqual(units.materialChanges([a, b], [b, a]), []);
    });

    it('lists every kind of material change, in a fixed order', () => {
      const before = [facts('a', { capacity: 100, category: 'BESS', areas: ['_A'] })];
      const after = [facts('b', { capacity: 200, category: 'EV', areas: ['_B'] })];
      assert.deepEqual(units.materialChanges(before, after), ['ratedCapacity', 'assetCategory', 'unitGspGroups']);
    });
  });

  describe('composition changes (UC-03.03)', () => {
    it('sets an active unit to re-assessment on a material change, ending the leaving membership', async () => {
      const a1 = await asset(t.registry, fspA.iri, '101234567020', { ratedCapacity: 100 });
      const a2 = await asset(t.registry, fspA.iri, '101234567021', { ratedCapacity: 100 });
      const big = await asset(t.registry, fspA.iri, '101234567022', { ratedCapacity: 1000 });
      const id = unitId();
      now = new Date('2030-06-15T12:00:00.000Z');
      await units.create({ marketUnitType: 'SPG', marketUnitId: id, assets: [a1.id, a2.id] }, principalA);
      now = new Date('2030-06-15T12:30:00.000Z');
      const { unit, material } = await units.changeComposition(id, { add: [big.id], remove: [a1.id] }, [1], principalA);
      assert.deepEqual(material, ['ratedCapacity']);
      assert.equal(unit.version, 2);
      assert.equal(code(unit, 'marketUnitStatus'), 'REASSESSMENT_REQUIRED');
      const members = await currentMembersOf(t.registry.store, unit.iri);
      assert.deepEqual(members.map((m) => [m.asset, Date.parse(m.since)]).sort(), [[a2.iri, Date.parse('2030-06-15T12:00:00Z')], [big.iri, Date.parse('2030-06-15T12:30:00Z')]].sort());
      await assert.rejects(units.changeComposition(id, { remove: [a2.id] }, [1], principalA), VersionConflictError);
    });

    it('re-indexes the staying memberships and the qualifications for an area the unit gains', async () => {
      now = new Date('2030-06-15T12:00:00.000Z');
      const inA = await asset(t.registry, fspA.iri, '101234567024');
      const inB = await asset(t.registry, fspA.iri, '111234567050', { gspGroup: '_B', dnoConnection: 'NGED_EMID' });
      assert.deepEqual((await units.factsOf(inB.iri)).areas, ['_B']);
      const id = unitId();
      const unit = await units.create({ marketUnitType: 'SPG', marketUnitId: id, assets: [inA.id, (await asset(t.registry, fspA.iri, '101234567025')).id] }, principalA);
      const [q] = await t.registry.records.writeTogether([{ create: QUALIFICATION_KIND, body: { qualifiedUnit: unit.iri, forProductVersion: `${BASE}product-versions/PEAK-1`, qualificationFacet: 'PRODUCT', qualificationStatus: 'APPLIED' } }], { ...ADMIN, onBehalfOf: dno.iri });
      const areaB = audience.area(BASE, '_B');
      const [staying] = await currentMembersOf(t.registry.store, unit.iri);
      const readers = async (kind: typeof MEMBERSHIP_KIND, iri: string) => (await t.registry.records.get(kind, iri.slice(iri.lastIndexOf('/') + 1))).access.get(iri) ?? [];
      assert.ok(!(await readers(MEMBERSHIP_KIND, staying.iri)).includes(areaB));
      now = new Date('2030-06-15T12:10:00.000Z');
      const { unit: changed, material } = await units.changeComposition(id, { add: [inB.id] }, undefined, principalA);
      assert.deepEqual(material, ['ratedCapacity', 'unitGspGroups']);
      assert.deepEqual(codes(changed, 'unitGspGroups'), ['_A', '_B']);
      assert.ok((await readers(MEMBERSHIP_KIND, staying.iri)).includes(areaB), 'a staying membership');
      assert.ok((await readers(QUALIFICATION_KIND, q.iri)).includes(areaB), 'a qualification');
      const joined = (await currentMembersOf(t.registry.store, unit.iri)).find((m) => m.asset === inB.iri)!;
      assert.ok((await readers(MEMBERSHIP_KIND, joined.iri)).includes(areaB), 'the new membership');
    });

    it('refuses a unit ID that exists (IDs are never reused)', async () => {
      const a1 = await asset(t.registry, fspA.iri, '101234567023');
      const id = unitId();
      await units.create({ marketUnitType: 'SPU', marketUnitId: id, assets: [a1.id] }, principalA);
      await assert.rejects(units.create({ marketUnitType: 'SPU', marketUnitId: id, assets: [a1.id] }, principalA), (e: unknown) => e instanceof DuplicateRecordError && e.existingId === id);
    });
  });

  describe('de-registration blockers (UC-03.05)', () => {
    /** A qualification of `unitIri` assessed by the DNO. */
    async function qualification(unitIri: string, qualificationStatus: string, validity: { validFrom?: string; validTo?: string } = {}): Promise<string> {
      const [q] = await t.registry.records.writeTogether([{ create: QUALIFICATION_KIND, body: { qualifiedUnit: unitIri, forProductVersion: `${BASE}product-versions/PEAK-1`, qualificationFacet: 'PRODUCT', qualificationStatus, ...validity } }], { ...ADMIN, onBehalfOf: dno.iri });
      return q.id;
    }

    /** A service window on `unitIri` confirmed by the DNO for FSP A; `cancelled` cancels it. */
    async function serviceWindow(unitIri: string, windowStart: string, windowEnd: string, cancelled = false): Promise<string> {
      const actor = { ...ADMIN, onBehalfOf: dno.iri };
      const [w] = await t.registry.records.writeTogether([{ create: SERVICE_WINDOW_KIND, body: { contractedUnit: unitIri, windowStart, windowEnd }, system: { contractHolder: fspA.iri } }], actor);
      if (cancelled) await t.registry.records.transition(SERVICE_WINDOW_KIND, w.id, { serviceWindowStatus: 'CANCELLED' }, actor, 'UC-03.04');
      return w.id;
    }

    it('counts qualifications in force and confirmed windows not yet ended, and refuses de-registration naming them', async () => {
      now = new Date('2030-06-15T12:00:00.000Z');
      const id = unitId();
      const unit = await units.create({ marketUnitType: 'SPU', marketUnitId: id, assets: [(await asset(t.registry, fspA.iri, '101234567030')).id] }, principalA);
      await qualification(unit.iri, 'QUALIFIED', { validFrom: '2030-01-01', validTo: '2030-06-14' });
      // validTo is "the day after the last day": a qualification to today is no longer in force.
      await qualification(unit.iri, 'QUALIFIED', { validFrom: '2030-01-01', validTo: '2030-06-15' });
      const untilTomorrow = await qualification(unit.iri, 'QUALIFIED', { validFrom: '2030-01-01', validTo: '2030-06-16' });
      const openEnded = await qualification(unit.iri, 'QUALIFIED', { validFrom: '2030-01-01' });
      await qualification(unit.iri, 'APPLIED');
      await qualification(unit.iri, 'WITHDRAWN', { validFrom: '2030-01-01' });
      await qualification(`${BASE}market-units/SOME-OTHER-UNIT`, 'QUALIFIED', { validFrom: '2030-01-01' });
      const running = await serviceWindow(unit.iri, '2030-06-15T11:00:00.000Z', '2030-06-15T13:00:00.000Z');
      await serviceWindow(unit.iri, '2030-06-15T09:00:00.000Z', '2030-06-15T11:59:59.999Z');
      await serviceWindow(unit.iri, '2030-06-15T09:00:00.000Z', '2030-06-15T12:00:00.000Z');
      await serviceWindow(unit.iri, '2030-06-16T09:00:00.000Z', '2030-06-16T12:00:00.000Z', true);
      const toCome = await serviceWindow(unit.iri, '2030-07-01T09:00:00.000Z', '2030-07-01T12:00:00.000Z');
      await serviceWindow(`${BASE}market-units/SOME-OTHER-UNIT`, '2030-07-01T09:00:00.000Z', '2030-07-01T12:00:00.000Z');
      const blockers = await units.deregistrationBlockers(unit.iri);
      assert.deepEqual(blockers, { qualifications: [untilTomorrow, openEnded], serviceWindows: [running, toCome].sort() });
      await assert.rejects(units.deregister(id, principalA), (e: unknown) => {
        assert.ok(e instanceof StateConflictError);
        assert.deepEqual(e.extras.blockers, { activeQualifications: [untilTomorrow, openEnded], confirmedServiceWindows: [running, toCome].sort() });
        return true;
      });
      assert.equal(code(await t.registry.records.get(MARKET_UNIT_KIND, id), 'marketUnitStatus'), 'ACTIVE');
    });

    it('de-registers a unit without blockers and ends its memberships just after they began', async () => {
      now = new Date('2030-06-15T12:00:00.000Z');
      const a1 = await asset(t.registry, fspA.iri, '101234567031');
      const id = unitId();
      const unit = await units.create({ marketUnitType: 'SPU', marketUnitId: id, assets: [a1.id] }, principalA);
      const [membership] = await currentMembersOf(t.registry.store, unit.iri);
      const done = await units.deregister(id, principalA);
      assert.equal(code(done, 'marketUnitStatus'), 'DE_REGISTERED');
      assert.deepEqual(await currentMembersOf(t.registry.store, unit.iri), []);
      const ended = await t.registry.records.get(MEMBERSHIP_KIND, membership.iri.slice(membership.iri.lastIndexOf('/') + 1));
      assert.equal(Date.parse(value(ended, 'memberUntil')!), Date.parse('2030-06-15T12:00:00.001Z'), 'memberUntil stays after memberSince');
      assert.deepEqual((await t.registry.records.history(MEMBERSHIP_KIND, ended.id)).map((h) => h.useCase), ['UC-03.01', 'UC-03.05']);
      await assert.rejects(units.deregister(id, principalA), (e: unknown) => e instanceof StateConflictError && e.extras.currentStatus === 'DE_REGISTERED');
    });
  });

  describe('memberships at an instant (marketUnitMemberships)', () => {
    it('holds a membership from memberSince (inclusive) until memberUntil (exclusive)', async () => {
      const [a1, a2, a3] = [await asset(t.registry, fspA.iri, '101234567040'), await asset(t.registry, fspA.iri, '101234567041'), await asset(t.registry, fspA.iri, '101234567042')];
      const id = unitId();
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      const t1 = new Date('2030-01-01T00:00:05.000Z');
      now = t0;
      const unit = await units.create({ marketUnitType: 'SPG', marketUnitId: id, assets: [a1.id, a2.id] }, principalA);
      now = t1;
      await units.changeComposition(id, { add: [a3.id], remove: [a1.id] }, undefined, principalA);
      const at = async (instant: Date) => (await compositionAt(t.registry.store, unit.iri, instant)).map((m) => m.asset).sort();
      const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);
      assert.deepEqual(await at(ms(t0, -1)), []);
      assert.deepEqual(await at(t0), [a1.iri, a2.iri].sort());
      assert.deepEqual(await at(ms(t1, -1)), [a1.iri, a2.iri].sort());
      assert.deepEqual(await at(t1), [a2.iri, a3.iri].sort());
      const ended = (await compositionAt(t.registry.store, unit.iri, t0)).find((m) => m.asset === a1.iri);
      assert.equal(Date.parse(ended?.until ?? ''), t1.getTime());
    });

    it('leaves out of an asset\'s active memberships those of a de-registered unit', async () => {
      now = new Date('2030-06-15T12:00:00.000Z');
      const a1 = await asset(t.registry, fspA.iri, '101234567043');
      const id = unitId();
      const unit = await units.create({ marketUnitType: 'SPU', marketUnitId: id, assets: [a1.id] }, principalA);
      assert.deepEqual((await activeMembershipsOfAsset(t.registry.store, a1.iri)).map((m) => m.unit), [unit.iri]);
      // A de-registered unit whose membership was left open (written before memberships were ended).
      await t.registry.records.transition(MARKET_UNIT_KIND, id, { marketUnitStatus: 'DE_REGISTERED' }, { ...ADMIN, onBehalfOf: fspA.iri }, 'UC-03.05');
      assert.deepEqual(await activeMembershipsOfAsset(t.registry.store, a1.iri), []);
      assert.deepEqual((await currentMembersOf(t.registry.store, unit.iri)).map((m) => m.asset), [a1.iri]);
    });
  });

  describe('BM unit ID against the BSC registration (issue #9: BM units as market units, lead parties as organisations)', () => {
    let flexitricity: RecordState;
    before(async () => {
      flexitricity = await organisation(t.registry, ['FSP'], { organisationLegalName: 'Flexitricity Limited', organisationRegistrationNumber: 'SC200000', organisationTradingName: 'Flexitricity' });
      // Six real rows of Elexon's Registered BM Units (2022-06): Flexitricity Limited (FLEXTRCY) leads V__AFLEX001.
      const { summary } = await importIntoRegistry(t.registry, 'bm-units', await readFile(join(projectRoot(), 'test/fixtures/import/elexon-bm-units-excerpt.csv')), 'elexon-bm-units-excerpt.csv');
      assert.equal(summary.rejected, 0);
    });

    it('reads the published unit with its lead party and the organisation it matched', async () => {
      const published = await readPublishedBmUnit(t.registry.store, BASE, 'V__AFLEX001');
      assert.equal(published?.iri, `${BASE}reference/bm-units/V__AFLEX001`);
      assert.deepEqual(published?.leadParty?.names, ['Flexitricity Limited']);
      assert.deepEqual(published?.leadParty?.identifiers, ['elexonPartyId:FLEXTRCY']);
      assert.equal(published?.leadParty?.matchedOrganisation, flexitricity.iri);
      assert.equal((await readPublishedBmUnit(t.registry.store, BASE, 'V__AENEL001'))?.leadParty?.matchedOrganisation, undefined, 'Enel X is not registered');
      assert.equal(await readPublishedBmUnit(t.registry.store, BASE, 'V__ZNOTREG1'), undefined);
    });

    it('refuses a unit naming a BM unit another registered organisation leads, naming the lead party and the evidence', async () => {
      const a = await asset(t.registry, fspA.iri, '101234568001');
      await assert.rejects(units.create({ marketUnitType: 'SPU', marketUnitId: unitId(), bmUnitId: 'V__AFLEX001', assets: [a.id] }, principalA), (e: unknown) => {
        assert.ok(e instanceof InvalidRecordError);
        assert.deepEqual(e.results.map((r) => [r.field, r.value]), [['bmUnitId', 'V__AFLEX001']]);
        assert.match(e.results[0].message, /names its lead party Flexitricity Limited \(Elexon Party ID FLEXTRCY\), which is the registered organisation .*"Flexitricity Limited" matched "Flexitricity Limited"/);
        return true;
      });
      assert.equal((await currentMembersOf(t.registry.store, `${BASE}market-units/MU-TEST-${seq}`)).length, 0, 'nothing written');
    });

    it('takes a BM unit its own FSP leads, one whose lead party is not registered, and one the register does not list', async () => {
      const own = await asset(t.registry, flexitricity.iri, '101234568002');
      const unit = await units.create({ marketUnitType: 'SPU', marketUnitId: unitId(), bmUnitId: 'V__AFLEX001', assets: [own.id] }, userOf(flexitricity.iri, ['FSP']));
      assert.equal(value(unit, 'bmUnitId'), 'V__AFLEX001');
      // The query of docs/import/bm-units.md: the unit, the BSC's unit, its lead party and the organisation it is.
      const docs = await readFile(join(projectRoot(), 'docs/import/bm-units.md'), 'utf8');
      const query = /```sparql\n(PREFIX fmar[^`]*?fmar:matchedOrganisation[^`]*?)```/.exec(docs)![1];
      const joined = (await selectBindings(t.registry.store, query)).filter((r) => r.unit.value === unit.iri);
      assert.deepEqual(joined.map((r) => [r.fsp.value, r.bmUnit.value, r.partyName.value, r.leadOrganisation?.value]), [[flexitricity.iri, `${BASE}reference/bm-units/V__AFLEX001`, 'Flexitricity Limited', flexitricity.iri]]);
      for (const bmUnitId of ['V__AENEL001', 'V__ZNOTREG1']) {
        const a = await asset(t.registry, fspA.iri, `1012345680${bmUnitId === 'V__AENEL001' ? '03' : '04'}`);
        assert.equal(value(await units.create({ marketUnitType: 'SPU', marketUnitId: unitId(), bmUnitId, assets: [a.id] }, principalA), 'bmUnitId'), bmUnitId);
      }
    });

    it('checks a changed BM unit ID on update, and leaves an unchanged one alone', async () => {
      const a = await asset(t.registry, fspA.iri, '101234568005');
      const id = unitId();
      await units.create({ marketUnitType: 'SPU', marketUnitId: id, bmUnitId: 'V__AENEL001', assets: [a.id] }, principalA);
      await assert.rejects(units.update(id, { bmUnitId: 'V__AFLEX001' }, '*', principalA), (e: unknown) => e instanceof InvalidRecordError && e.results[0].field === 'bmUnitId');
      const renamed = await units.update(id, { bmUnitId: 'V__AENEL001', marketUnitName: 'Enel X aggregation' }, '*', principalA);
      assert.equal(value(renamed, 'marketUnitName'), 'Enel X aggregation');
    });
  });
});
