import assert from 'node:assert/strict';
import type { BulkReportRow } from '../../../src/domain/BulkRegistration.js';
import { BulkUpload, BulkUploads } from '../../../src/domain/BulkUploads.js';

async function* outcomes(rows: BulkReportRow[], gate?: Promise<void>, failAfter?: number): AsyncGenerator<BulkReportRow> {
  for (const [i, r] of rows.entries()) {
    if (i === 1 && gate) await gate;
    if (failAfter !== undefined && i === failAfter) throw new Error('the journal could not be written');
    yield r;
  }
}

const ROWS: BulkReportRow[] = [
  { row: 1, status: 'created', assetId: 'a1' },
  { row: 2, status: 'existing', assetId: 'a0' },
  { row: 3, status: 'rejected', errors: [{ severity: 'Violation', field: 'ratedCapacity', message: 'too small' }] },
];

describe('BulkUploads: progress of uploads', () => {
  it('counts rows done, accepted (created + existing) and rejected, and keeps the report', async () => {
    const upload = new BulkUpload('agent', 3);
    assert.deepEqual({ ...upload.progress(), startedAt: undefined, id: undefined }, { id: undefined, startedAt: undefined, status: 'running', rows: 3, rowsDone: 0, accepted: 0, created: 0, existing: 0, rejected: 0 });
    await upload.run(outcomes(ROWS));
    const p = upload.progress();
    assert.deepEqual([p.status, p.rowsDone, p.accepted, p.created, p.existing, p.rejected], ['finished', 3, 2, 1, 1, 1]);
    assert.ok(p.finishedAt);
    assert.deepEqual(upload.report, ROWS);
  });

  it('shows an upload running in the background as it goes, then finished', async () => {
    const uploads = new BulkUploads();
    const upload = new BulkUpload('agent', 3);
    let open!: () => void;
    uploads.start(upload, outcomes(ROWS, new Promise((r) => (open = r))));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(uploads.get(upload.id), upload);
    assert.deepEqual([upload.progress().status, upload.progress().rowsDone], ['running', 1]);
    assert.equal(upload.finished, false);
    open();
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual([upload.progress().status, upload.progress().rowsDone], ['finished', 3]);
  });

  it('marks an upload failed with the reason when its rows stop coming', async () => {
    const uploads = new BulkUploads();
    const upload = new BulkUpload('agent', 3);
    const heard: unknown[] = [];
    uploads.start(upload, outcomes(ROWS, undefined, 2), (e) => heard.push(e));
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual([upload.progress().status, upload.progress().rowsDone, upload.progress().error], ['failed', 2, 'the journal could not be written']);
    assert.equal(heard.length, 1);
  });

  it('forgets finished uploads after their time, and beyond the number kept', async () => {
    const uploads = new BulkUploads({ keepFinishedMs: 30, maxFinished: 2 });
    const started = [1, 2, 3].map(() => new BulkUpload('agent', 3));
    for (const u of started) uploads.start(u, outcomes(ROWS));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(uploads.get(started[0].id), undefined, 'the oldest of three finished goes first');
    assert.ok(uploads.get(started[2].id));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(uploads.get(started[2].id), undefined);
    const running = new BulkUpload('agent', 3);
    uploads.start(running, outcomes(ROWS, new Promise(() => undefined)));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(uploads.get(running.id), running, 'a running upload is never forgotten');
  });
});
