import assert from 'node:assert/strict';
import { batchesOf, pipelined } from '../../../src/domain/batchPipeline.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('Bulk batches, one ahead', () => {
  it('cuts items into batches of the given size, the last one shorter', async () => {
    assert.deepEqual(await collect(batchesOf([1, 2, 3, 4, 5], 2)), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(await collect(batchesOf([], 2)), []);
  });

  it('starts the next batch before the previous one ends, and yields results in batch order', async () => {
    const events: string[] = [];
    const work = async (batch: number[]) => {
      events.push(`start ${batch[0]}`);
      // The first batch is the slowest: its results must still come first.
      await new Promise((resolve) => setTimeout(resolve, batch[0] === 1 ? 30 : 1));
      events.push(`end ${batch[0]}`);
      return batch.map((n) => n * 10);
    };
    const results = await collect(pipelined(batchesOf([1, 2, 3, 4, 5, 6], 2), work, 1));
    assert.deepEqual(results, [10, 20, 30, 40, 50, 60]);
    assert.ok(events.indexOf('start 3') < events.indexOf('end 1'), `batch 2 starts while batch 1 runs: ${events.join(', ')}`);
    // At most one batch ahead: the third starts only once the first has been yielded.
    assert.ok(events.indexOf('start 5') > events.indexOf('end 1'), events.join(', '));
  });

  it('throws a batch failure in its turn, after the results before it', async () => {
    const seen: number[] = [];
    const work = async (batch: number[]) => {
      if (batch[0] === 3) throw new Error('batch 2 failed');
      return batch;
    };
    await assert.rejects(async () => {
      for await (const n of pipelined(batchesOf([1, 2, 3, 4, 5, 6], 2), work, 1)) seen.push(n);
    }, /batch 2 failed/);
    assert.deepEqual(seen, [1, 2]);
  });
});
