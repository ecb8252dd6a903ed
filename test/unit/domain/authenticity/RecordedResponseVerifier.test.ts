import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedResponseVerifier } from '../../../../src/domain/authenticity/RecordedResponseVerifier.js';
import { fixturesDir } from '../../../support/fixtures.js';

const fixture = (name: string) => join(fixturesDir, 'authenticity', name);
const NOW = new Date('2027-01-15T12:00:00Z');

describe('RecordedResponseVerifier', () => {
  it('confirms an MPAN the recording knows when the expected GSP group agrees, with the recorded time', async () => {
    const ecoes = await RecordedResponseVerifier.fromFile(fixture('ecoes-mpan-responses.json'), () => NOW);
    assert.equal(ecoes.source, 'https://www.ecoes.co.uk/');
    assert.deepEqual(ecoes.subjects, ['mpan']);
    const response = await ecoes.verify({ subject: 'mpan', identifier: '1012345678903', expected: { gspGroup: '_A' } });
    assert.equal(response.outcome, 'confirmed');
    assert.equal(response.source, 'https://www.ecoes.co.uk/');
    assert.equal(response.checkedAt.toISOString(), '2026-11-20T09:00:00.000Z');
    assert.match(response.detail, /recorded response/);
    assert.doesNotMatch(response.detail, /1012345678903/, 'the detail never repeats the MPAN');
  });

  it('answers mismatch when a recorded fact contradicts an expected one, naming the fact', async () => {
    const ecoes = await RecordedResponseVerifier.fromFile(fixture('ecoes-mpan-responses.json'), () => NOW);
    const response = await ecoes.verify({ subject: 'mpan', identifier: '1911111111110', expected: { gspGroup: '_A' } });
    assert.equal(response.outcome, 'mismatch');
    assert.match(response.detail, /gspGroup is "_J", not "_A"/);
  });

  it('compares facts without regard to case or punctuation, and ignores expected facts the source does not hold', async () => {
    const oem = await RecordedResponseVerifier.fromFile(fixture('oem-serial-responses.json'), () => NOW);
    const same = await oem.verify({ subject: 'serial-number', identifier: 'ESS5000-2026-00042', expected: { manufacturer: 'example storage-systems', assetModel: 'ESS 5000', colour: 'green' } });
    assert.equal(same.outcome, 'confirmed');
    const other = await oem.verify({ subject: 'serial-number', identifier: 'ESS5000-2026-00042', expected: { manufacturer: 'Example Storage Systems', assetModel: 'ESS-7000' } });
    assert.equal(other.outcome, 'mismatch');
    assert.match(other.detail, /assetModel/);
  });

  it('passes on recorded not-found and unavailable answers', async () => {
    const ecoes = await RecordedResponseVerifier.fromFile(fixture('ecoes-mpan-responses.json'), () => NOW);
    const missing = await ecoes.verify({ subject: 'mpan', identifier: '1000000000012', expected: { gspGroup: '_A' } });
    assert.equal(missing.outcome, 'not-found');
    assert.match(missing.detail, /no metering point/);
    const down = await ecoes.verify({ subject: 'mpan', identifier: '1000000000021' });
    assert.equal(down.outcome, 'unavailable');
    assert.equal(down.checkedAt.toISOString(), '2026-11-20T09:00:20.000Z');
  });

  it('says unavailable, at the current time, for what was never recorded or is not its subject', async () => {
    const ecoes = await RecordedResponseVerifier.fromFile(fixture('ecoes-mpan-responses.json'), () => NOW);
    const unrecorded = await ecoes.verify({ subject: 'mpan', identifier: '1014569292506' });
    assert.equal(unrecorded.outcome, 'unavailable', 'never asked is not the same as the source saying it does not know it');
    assert.equal(unrecorded.checkedAt, NOW);
    assert.equal((await ecoes.verify({ subject: 'organisation', identifier: '01234567' })).outcome, 'unavailable');
  });

  it('verifies organisations from a Companies House recording', async () => {
    const companiesHouse = await RecordedResponseVerifier.fromFile(fixture('companies-house-responses.json'), () => NOW);
    assert.equal((await companiesHouse.verify({ subject: 'organisation', identifier: '01234567', expected: { organisationLegalName: 'EXAMPLE FLEX SERVICES LIMITED' } })).outcome, 'confirmed');
    assert.equal((await companiesHouse.verify({ subject: 'organisation', identifier: '01234567', expected: { organisationLegalName: 'Another Company Limited' } })).outcome, 'mismatch');
    assert.equal((await companiesHouse.verify({ subject: 'organisation', identifier: 'SC123456' })).outcome, 'not-found');
  });

  it('refuses a recording that is not one, saying what is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fmar-recorded-'));
    try {
      const path = join(dir, 'bad.json');
      await writeFile(path, JSON.stringify({ source: 'ecoes', name: 'ECOES', subjects: ['meter'], responses: [{ subject: 'mpan', identifier: '1', outcome: 'maybe' }] }));
      await assert.rejects(RecordedResponseVerifier.fromFile(path), /source must be the IRI.*subjects must be.*responses\[0\]/);
      await writeFile(path, '{ not json');
      await assert.rejects(RecordedResponseVerifier.fromFile(path), /not a file of recorded responses/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
