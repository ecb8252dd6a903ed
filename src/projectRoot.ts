import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of this project's package.json, found from this module whether run from src/ (tsx) or dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'fmar-registry') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the fmar-registry project root');
    dir = parent;
  }
}

/** The shared spec, data and conformance folder: $FMAR_SHARED_DIR, or ../shared beside the project. */
export function sharedDir(): string {
  return process.env.FMAR_SHARED_DIR ?? join(projectRoot(), '..', 'shared');
}
