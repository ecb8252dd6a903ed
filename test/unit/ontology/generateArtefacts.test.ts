import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Parser } from 'n3';
import { generateArtefacts } from '../../../src/ontology/generateArtefacts.js';
import { sharedDir } from '../../../src/projectRoot.js';
import { root } from '../../support/fixtures.js';

const inputs = { rootDir: root, sharedDir: sharedDir() };

describe('Generation from the ontology', () => {
  let first: Map<string, string>;
  before(async () => {
    first = (await generateArtefacts(inputs)).files;
  });

  it('is deterministic: a second run produces the same bytes', async () => {
    const second = (await generateArtefacts(inputs)).files;
    assert.deepEqual([...second.keys()], [...first.keys()]);
    for (const [path, content] of second) assert.equal(content, first.get(path), `${path} differs between runs`);
  });

  it('matches the checked-in artefacts (run `make generate` after changing the ontology)', async () => {
    for (const [path, content] of first) {
      const onDisk = await readFile(join(root, path), 'utf8').catch(() => '(missing)');
      assert.ok(onDisk === content, `${path} is out of date with the ontology`);
    }
  });

  it('writes Turtle that parses and JSON that parses', () => {
    for (const [path, content] of first) {
      if (path.endsWith('.ttl')) assert.doesNotThrow(() => new Parser().parse(content), path);
      if (path.endsWith('.json') || path.endsWith('.jsonld')) assert.doesNotThrow(() => JSON.parse(content), path);
    }
  });

  it('writes every code of Elexon\'s catalogue, with its active flag, into SKOS', () => {
    const codes = [...first.entries()]
      .filter(([path]) => /codelists\/(asset-category|energy-source|demand-tech-type|connection-status|connection-type|dno-code)\.ttl$/.test(path))
      .flatMap(([, text]) => new Parser().parse(text))
      .filter((q) => q.predicate.value === 'https://w3id.org/fmar/ontology#isActive');
    assert.equal(codes.length, 62);
    assert.equal(codes.filter((q) => q.object.value === 'false').length, 14);
  });
});
