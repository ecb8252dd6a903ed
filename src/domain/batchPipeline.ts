/**
 * Bulk work in batches, run ahead: while batch N is committed (journal sync, Oxigraph load on the main thread),
 * the next batches are already being validated (JSON Schema here, SHACL on the workers). Measured in issue #7's
 * profile: without the overlap the main thread idled about 30% of a bulk registration waiting for the workers;
 * with it, 20k assets register 2.3x faster than without (with the store's grouped loads).
 */

/** The items in arrays of at most `size`, in order. */
export async function* batchesOf<T>(items: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * Runs `work` on each batch, starting the next ones before the previous one has finished (at most `ahead`
 * batches beyond the one being yielded; 2 measured best for bulk registration on two cores), and yields every result in batch order. The first failure is thrown in its turn; batches
 * started after it still run to their end (they are independent writes), their results unused.
 */
export async function* pipelined<T, R>(batches: AsyncIterable<T>, work: (batch: T) => Promise<R[]>, ahead = 2): AsyncGenerator<R> {
  const inFlight: Promise<R[]>[] = [];
  for await (const batch of batches) {
    const started = work(batch);
    // Awaited in its turn; until then a rejection must not count as unhandled.
    started.catch(() => undefined);
    inFlight.push(started);
    if (inFlight.length > ahead) yield* await inFlight.shift()!;
  }
  while (inFlight.length) yield* await inFlight.shift()!;
}
