import assert from 'node:assert/strict';
import { Parser } from 'n3';
import { codeCatalogueToSkos, schemeFileName } from '../../../src/ontology/codeCatalogue.js';

const HEADER = 'Domain,Catalogue,Code,Label,Definition,AppliesTo,Active,Notes\n';

describe('The code catalogue converter', () => {
  it('names files after their catalogue', () => {
    assert.equal(schemeFileName('AssetCategory'), 'asset-category.ttl');
    assert.equal(schemeFileName('DNOCode'), 'dno-code.ttl');
    assert.equal(schemeFileName('DemandTechType'), 'demand-tech-type.ttl');
  });

  it('writes one SKOS concept per row with notation, labels and the active flag', () => {
    const files = codeCatalogueToSkos(`${HEADER}Asset,ConnectionType,FIRM,Firm,Non-curtailable.,All,True,\nAsset,ConnectionType,TIMED,Timed,Time-profiled.,All,False,Enable later\n`, []);
    const quads = new Parser().parse(files.get('connection-type.ttl')!);
    const timed = quads.filter((q) => q.subject.value === 'https://w3id.org/fmar/ontology/code/ConnectionType/TIMED');
    assert.equal(timed.find((q) => q.predicate.value.endsWith('#isActive'))?.object.value, 'false');
    assert.equal(timed.find((q) => q.predicate.value.endsWith('#notation'))?.object.value, 'TIMED');
    assert.equal(timed.find((q) => q.predicate.value.endsWith('#editorialNote'))?.object.value, 'Enable later');
  });

  it('refuses duplicate codes and unreadable active flags', () => {
    assert.throws(() => codeCatalogueToSkos(`${HEADER}Asset,X,A,a,d,All,True,\nAsset,X,A,a,d,All,True,\n`, []), /duplicate code X\/A/);
    assert.throws(() => codeCatalogueToSkos(`${HEADER}Asset,X,A,a,d,All,yes,\n`, []), /Active must be True or False/);
  });
});
