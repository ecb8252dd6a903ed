import type { Response } from 'express';

/**
 * Writes a chunk of a streamed response and waits, when the socket's buffer is full, until the client has
 * drained it: the producer reads its next page only then, so a slow client holds one page in memory, not the
 * whole file. Resolves false once the client has gone away (the producer should stop).
 */
export async function writeWithBackPressure(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (!chunk || res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (drained: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(drained);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
