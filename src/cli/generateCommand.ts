import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { GENERATED_DIRS, generateArtefacts, type GenerateInputs } from '../ontology/generateArtefacts.js';

/**
 * `fmar generate`: writes every generated artefact and removes stale files from the generated folders.
 * `fmar generate --check`: writes nothing, lists what differs, and returns 1 if anything does (CI).
 */
export async function generateCommand(options: GenerateInputs & { check: boolean }): Promise<number> {
  const { files, model } = await generateArtefacts(options);
  const changed: string[] = [];
  for (const [path, content] of files) {
    const target = join(options.rootDir, path);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === content) continue;
    changed.push(`${current === undefined ? 'missing' : 'differs'}: ${path}`);
    if (!options.check) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
  for (const dir of GENERATED_DIRS) {
    for (const file of await listFiles(join(options.rootDir, dir))) {
      const path = relative(options.rootDir, file);
      if (files.has(path)) continue;
      changed.push(`stale: ${path}`);
      if (!options.check) await rm(file);
    }
  }
  const summary = `${model.classes.length} classes, ${model.properties.length} properties, ${model.schemes.length} code lists (${model.schemes.reduce((n, s) => n + s.concepts.length, 0)} codes), ${model.rules.length} rules; ${files.size} files`;
  if (options.check) {
    if (changed.length) {
      console.error(`generated artefacts are out of date with the ontology; run \`make generate\`:\n  ${changed.join('\n  ')}`);
      return 1;
    }
    console.log(`generated artefacts are up to date (${summary})`);
    return 0;
  }
  console.log(`${changed.length ? `updated ${changed.length} file(s)` : 'nothing changed'} (${summary})`);
  for (const line of changed) console.log(`  ${line}`);
  return 0;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files;
}
