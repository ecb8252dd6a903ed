import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Parser, type Quad } from 'n3';
import { assetCategoryOfEcrTechnology } from '../../../src/domain/authenticity/ecrTechnologyCategory.js';
import { FMAR_MAPPING, NO_VALUE_SCHEME, normaliseLabel, SOURCE_VOCABULARIES_FILE, VocabularyMapping, type MappedValue } from '../../../src/import/VocabularyMapping.js';
import { ontologySourceFiles } from '../../../src/ontology/loadOntologyModel.js';
import { sharedDir } from '../../../src/projectRoot.js';
import { FMAR, FMAR_CODE, RDFS, SKOS } from '../../../src/rdf/namespaces.js';
import { loadTurtleFiles } from '../../../src/rdf/readTurtle.js';
import { root } from '../../support/fixtures.js';

const GB = join(sharedDir(), 'data/gb');
const STORED_ENERGY = 'Stored Energy (all stored energy irrespective of the original energy source)';
const ECR_OTHER_TECHNOLOGY = `${FMAR_MAPPING}ecr-conversion-technology/other`;

type Rows = Record<string, string>[];
const csvRows = (text: string, fromLine = 1): Rows => parse(text, { columns: true, bom: true, from_line: fromLine, relax_column_count: true }) as Rows;
const distinct = (rows: Rows, columns: string[]) => [...new Set(rows.flatMap((row) => columns.map((c) => row[c])))].filter((v) => v !== undefined).sort();

/** The published values of each source vocabulary, read from the real files (data README, files 1, 3, 5 and 7). */
async function realValues(): Promise<Record<string, string[]>> {
  const ecr = csvRows(await readFile(join(GB, 'ukpn_ecr_1mw_plus_2025-08.csv'), 'utf8'));
  // Data README, file 7: the REPD copy is Windows-1252, not UTF-8.
  const repd = csvRows(new TextDecoder('windows-1252').decode(await readFile(join(GB, 'desnz_repd_2022-10_cp1252.csv'))));
  const fuel = csvRows(await readFile(join(GB, 'elexon_bmu_fuel_types_2023-12.csv'), 'utf8'));
  const dispatches = csvRows(await readFile(join(GB, 'ukpn_flexibility_dispatches_ev_subset.csv'), 'utf8'));
  assert.equal(ecr.length, 1240);
  assert.equal(repd.length, 8016);
  assert.equal(fuel.length, 438);
  assert.equal(dispatches.length, 14813);
  return {
    'ecr-energy-source': distinct(ecr, ['Energy Source 1', 'Energy Source 2', 'Energy Source 3']),
    'ecr-conversion-technology': distinct(ecr, ['Energy Conversion Technology 1', 'Energy Conversion Technology 2', 'Energy Conversion Technology 3']),
    'repd-technology-type': distinct(repd, ['Technology Type']),
    'elexon-fuel-type': distinct(fuel, ['FUEL TYPE']),
    'elexon-further-fuel-type': distinct(fuel, ['Further Fuel Type']),
    'dispatch-technology': distinct(dispatches, ['technology']),
  };
}

function mapped(result: ReturnType<VocabularyMapping['map']>, what: string): MappedValue {
  assert.ok(result && !('unmapped' in result), `${what}: ${JSON.stringify(result)}`);
  return result;
}

/**
 * The AssetCategory of one ECR technology slot by the rule of data/mappings/README.md ("Combining ECR columns"):
 * CHP Cogeneration Yes -> CHP; else the technology's; else, when the technology says nothing, the energy source's.
 */
function slotCategory(mapping: VocabularyMapping, source: string | undefined, technology: string | undefined, cogeneration?: string): string | undefined {
  if (normaliseLabel(cogeneration ?? '') === 'yes') return 'CHP';
  const tech = mapping.map('ecr-conversion-technology', technology);
  const energy = mapping.map('ecr-energy-source', source);
  if (tech) {
    const value = mapped(tech, `technology ${technology}`);
    if (value.concept !== ECR_OTHER_TECHNOLOGY) return value.codes.AssetCategory;
  }
  return energy ? mapped(energy, `source ${source}`).codes.AssetCategory : undefined;
}

const SCHEME_HEAD = `@prefix skos: <${SKOS}> . @prefix dcterms: <http://purl.org/dc/terms/> .
<${FMAR_MAPPING}test> a skos:ConceptScheme ; dcterms:source "test" .
<${NO_VALUE_SCHEME}> a skos:ConceptScheme ; dcterms:source "test" .
<${NO_VALUE_SCHEME}/none> a skos:Concept ; skos:inScheme <${NO_VALUE_SCHEME}> ; skos:prefLabel "Data not available" .
`;
const concept = (slug: string, body: string) => `<${FMAR_MAPPING}test/${slug}> a skos:Concept ; skos:inScheme <${FMAR_MAPPING}test> ; ${body} .\n`;

describe('normaliseLabel', () => {
  it('folds the case, punctuation, spacing and "&" drift of real files to one key', () => {
    assert.equal(normaliseLabel('Storage - Electrochemical  (Batteries)'), 'storage electrochemical batteries');
    assert.equal(normaliseLabel('Storage - Electrochemical (Batteries)'), 'storage electrochemical batteries');
    assert.equal(normaliseLabel('Biofuel - Landfill gas'), normaliseLabel('Biofuel landfill gas'));
    assert.equal(normaliseLabel('Storage - Mechanical - Compressed Air (Adiabatic & Diabatic)'), 'storage mechanical compressed air adiabatic and diabatic');
    assert.equal(normaliseLabel('Geothermal '), 'geothermal');
    assert.equal(normaliseLabel('wind onshore'), normaliseLabel('Wind onshore'));
    assert.equal(normaliseLabel('ＷＩＮＤ'), 'wind', 'NFKC folds full-width letters');
    assert.equal(normaliseLabel(' - () '), '');
  });
});

describe('VocabularyMapping', () => {
  it('refuses two concepts of one scheme whose labels normalise alike, naming both', () => {
    const turtle = SCHEME_HEAD + concept('a', 'skos:prefLabel "Biofuel - Landfill gas"') + concept('b', 'skos:prefLabel "Landfill"; skos:hiddenLabel "biofuel landfill-gas"');
    assert.throws(() => VocabularyMapping.fromTurtle(turtle), (error: Error) => {
      assert.match(error.message, /test\/a/);
      assert.match(error.message, /test\/b/);
      assert.match(error.message, /"biofuel landfill gas"/);
      return true;
    });
  });

  it('lets labels of one concept normalise alike, and the same label live in two schemes', () => {
    const other = `<${FMAR_MAPPING}other> a <${SKOS}ConceptScheme> ; <http://purl.org/dc/terms/source> "test" .
<${FMAR_MAPPING}other/x> a <${SKOS}Concept> ; <${SKOS}inScheme> <${FMAR_MAPPING}other> ; <${SKOS}prefLabel> "Biofuel - Landfill gas" .\n`;
    const mapping = VocabularyMapping.fromTurtle(SCHEME_HEAD + other + concept('a', 'skos:prefLabel "Biofuel - Landfill gas"; skos:altLabel "Biofuel landfill gas"'));
    assert.deepEqual(mapping.schemes(), ['other', 'test']);
    assert.equal(mapped(mapping.map('test', 'Biofuel landfill gas'), 'alt').matchedBy, 'altLabel', 'the label written exactly as the value wins');
    assert.equal(mapped(mapping.map('test', 'BIOFUEL LANDFILL GAS'), 'pref').matchedBy, 'prefLabel', 'else the canonical one');
  });

  it('refuses a label that normalises like a no-value placeholder', () => {
    assert.throws(() => VocabularyMapping.fromTurtle(SCHEME_HEAD + concept('a', 'skos:prefLabel "Solar"; skos:altLabel "data not available"')), /no-value label "Data not available"/);
  });

  it('refuses a concept mapping to two codes of one FMAR scheme, a non-code target and a scheme without dcterms:source', () => {
    const two = concept('a', `skos:prefLabel "Gas"; skos:exactMatch <${FMAR_CODE}EnergySource/NATURAL_GAS>; skos:broadMatch <${FMAR_CODE}EnergySource/OTHER>`);
    assert.throws(() => VocabularyMapping.fromTurtle(SCHEME_HEAD + two), /maps to two EnergySource codes/);
    const bad = concept('a', `skos:prefLabel "Gas"; skos:exactMatch <${FMAR_CODE}EnergySource>`);
    assert.throws(() => VocabularyMapping.fromTurtle(SCHEME_HEAD + bad), /not an FMAR code IRI/);
    const unsourced = SCHEME_HEAD.replace(`<${FMAR_MAPPING}test> a skos:ConceptScheme ; dcterms:source "test" .`, `<${FMAR_MAPPING}test> a skos:ConceptScheme .`);
    assert.throws(() => VocabularyMapping.fromTurtle(unsourced + concept('a', 'skos:prefLabel "Gas"')), /test has no dcterms:source/);
  });

  it('answers undefined for no value, { unmapped } for an unknown value, and never guesses', () => {
    const mapping = VocabularyMapping.fromTurtle(SCHEME_HEAD + concept('solar', `skos:prefLabel "Solar"; skos:closeMatch <${FMAR_CODE}EnergySource/SOLAR>`));
    for (const empty of [undefined, '', '   ', 'Data not available', 'DATA NOT AVAILABLE ']) assert.equal(mapping.map('test', empty), undefined, JSON.stringify(empty));
    assert.deepEqual(mapping.map('test', 'Solar PV'), { unmapped: 'Solar PV' });
    assert.deepEqual(mapping.map('test', 'Solr'), { unmapped: 'Solr' });
    assert.deepEqual(mapping.map('test', 'solar'), { concept: `${FMAR_MAPPING}test/solar`, matchedBy: 'prefLabel', label: 'Solar', codes: { EnergySource: 'SOLAR' }, relations: { EnergySource: 'closeMatch' } });
    assert.throws(() => mapping.map('ecr-energy-source', 'Solar'), /unknown source vocabulary "ecr-energy-source"; known: test/);
  });
});

describe('VocabularyMapping.load', function () {
  it('reads every .ttl file of data/mappings as one mapping, and a single file when given one', async () => {
    const all = await VocabularyMapping.load();
    const one = await VocabularyMapping.load(join(root, SOURCE_VOCABULARIES_FILE));
    assert.ok(one.schemes().every((s) => all.schemes().includes(s)));
    assert.ok(all.schemes().length >= one.schemes().length);
  });
});

describe(`the mapping file ${SOURCE_VOCABULARIES_FILE}`, function () {
  this.timeout(60_000);
  let mapping: VocabularyMapping;
  let quads: Quad[];
  let values: Record<string, string[]>;
  before(async () => {
    mapping = await VocabularyMapping.load(join(root, SOURCE_VOCABULARIES_FILE));
    quads = new Parser().parse(await readFile(join(root, SOURCE_VOCABULARIES_FILE), 'utf8'));
    values = await realValues();
  });
  const conceptsBy = () => {
    const byScheme = new Map<string, string[]>();
    for (const q of quads.filter((q) => q.predicate.value === `${SKOS}inScheme`)) byScheme.set(q.object.value, [...(byScheme.get(q.object.value) ?? []), q.subject.value]);
    return byScheme;
  };
  const objects = (subject: string, predicate: string) => quads.filter((q) => q.subject.value === subject && q.predicate.value === predicate).map((q) => q.object.value);

  it('holds one scheme per source vocabulary, with the concept counts its README gives, each naming its source', () => {
    assert.deepEqual(mapping.schemes(), ['dispatch-technology', 'ecr-conversion-technology', 'ecr-energy-source', 'elexon-fuel-type', 'elexon-further-fuel-type', 'repd-technology-type']);
    const counts = Object.fromEntries([...conceptsBy()].map(([scheme, list]) => [scheme.slice(FMAR_MAPPING.length), list.length]));
    assert.deepEqual(counts, { 'no-value': 1, 'ecr-energy-source': 25, 'ecr-conversion-technology': 26, 'repd-technology-type': 23, 'elexon-fuel-type': 9, 'elexon-further-fuel-type': 6, 'dispatch-technology': 1 });
    for (const scheme of conceptsBy().keys()) assert.ok(objects(scheme, 'http://purl.org/dc/terms/source').length > 0, scheme);
  });

  it('maps only to active codes that exist in the FMAR code lists (never an invented code)', async () => {
    const codeLists = await loadTurtleFiles((await ontologySourceFiles(join(root, 'ontology'))).filter((f) => f.includes('codelists')));
    const targets = quads.filter((q) => q.predicate.value.startsWith(SKOS) && /Match$/.test(q.predicate.value)).map((q) => q.object.value);
    assert.ok(targets.length > 100);
    for (const target of new Set(targets)) {
      const [scheme, code] = target.slice(FMAR_CODE.length).split('/');
      assert.ok(['AssetCategory', 'EnergySource', 'DemandTechType'].includes(scheme), target);
      assert.deepEqual(codeLists.getObjects(target, `${SKOS}notation`, null).map((o) => o.value), [code], `${target} is a code with that notation`);
      assert.deepEqual(codeLists.getObjects(target, `${SKOS}inScheme`, null).map((o) => o.value), [FMAR_CODE + scheme]);
      assert.deepEqual(codeLists.getObjects(target, `${FMAR}isActive`, null).map((o) => o.value), ['true'], `${target} is active`);
    }
  });

  it('says in rdfs:comment why a concept maps to OTHER, or to no AssetCategory or EnergySource where one could be expected', () => {
    // data/mappings/README.md: OTHER only where FMAR's definition of OTHER fits, and every unmapped scheme explained.
    const energyBearing = new Set(['ecr-energy-source', 'repd-technology-type', 'elexon-fuel-type', 'elexon-further-fuel-type']);
    for (const [scheme, list] of conceptsBy()) {
      const name = scheme.slice(FMAR_MAPPING.length);
      if (scheme === NO_VALUE_SCHEME) continue;
      for (const iri of list) {
        const targets = quads.filter((q) => q.subject.value === iri && /Match$/.test(q.predicate.value)).map((q) => q.object.value);
        const needs = targets.some((t) => t.endsWith('/OTHER')) || !targets.some((t) => t.includes('/AssetCategory/')) || (energyBearing.has(name) && !targets.some((t) => t.includes('/EnergySource/')));
        if (needs) assert.ok(objects(iri, `${RDFS}comment`).length === 1, `${iri} explains its mapping`);
      }
    }
  });

  it('matches every ENA-defined ECR value, and only "Data not available" means no value', async () => {
    const ena = JSON.parse(await readFile(join(GB, 'ecr_enumerations.json'), 'utf8')) as { ena_defined: { energy_source: string[]; energy_conversion_technology: string[]; sentinels_seen_in_real_files: string[] } };
    for (const [scheme, list] of [['ecr-energy-source', ena.ena_defined.energy_source], ['ecr-conversion-technology', ena.ena_defined.energy_conversion_technology]] as const) {
      assert.equal(list.length, scheme === 'ecr-energy-source' ? 24 : 27);
      for (const value of list) {
        if (value === 'Data not available') assert.equal(mapping.map(scheme, value), undefined);
        else assert.equal(mapped(mapping.map(scheme, value), value).matchedBy, 'prefLabel', `${value} is the prefLabel of its concept`);
      }
    }
    for (const sentinel of ena.ena_defined.sentinels_seen_in_real_files) assert.equal(mapping.map('ecr-energy-source', sentinel), undefined, sentinel);
  });

  it('matches every distinct value of the real ECR, REPD, Elexon and dispatch columns; those without a code are the deliberate ones', () => {
    assert.equal(values['ecr-energy-source'].length, 1 + 21, 'the 21 values of Energy Source 1 and the empty cell (data README / ecr_enumerations.json)');
    assert.equal(values['repd-technology-type'].length, 23);
    assert.deepEqual(values['dispatch-technology'], ['EV Charger DSR']);
    const lacking: Record<string, { AssetCategory: string[]; EnergySource: string[] }> = {};
    for (const [scheme, list] of Object.entries(values)) {
      lacking[scheme] = { AssetCategory: [], EnergySource: [] };
      for (const value of list) {
        const result = mapping.map(scheme, value);
        if (result === undefined) {
          assert.ok(['', 'Data not available'].includes(value), `${scheme}: only an empty cell or "Data not available" is no value, not ${JSON.stringify(value)}`);
          continue;
        }
        const { codes } = mapped(result, `${scheme}: ${JSON.stringify(value)}`);
        for (const dimension of ['AssetCategory', 'EnergySource'] as const) if (!codes[dimension]) lacking[scheme][dimension].push(value);
      }
    }
    // The deliberately unmapped values (each says why in the Turtle's rdfs:comment); the importer reports them.
    assert.deepEqual(lacking, {
      'ecr-energy-source': { AssetCategory: [STORED_ENERGY], EnergySource: ['Biofuel - Other', 'Biofuel other'] },
      // ECR technologies carry only the AssetCategory: the energy source column carries the EnergySource.
      'ecr-conversion-technology': { AssetCategory: ['Other', 'Storage - Other'], EnergySource: values['ecr-conversion-technology'].filter((v) => v !== '' && v !== 'Data not available') },
      'repd-technology-type': {
        AssetCategory: [],
        EnergySource: ['Advanced Conversion Technologies', 'Battery', 'Compressed Air Energy Storage', 'Flywheels', 'Liquid Air Energy Storage', 'Pumped Storage Hydroelectricity'],
      },
      'elexon-fuel-type': { AssetCategory: ['OTHER'], EnergySource: ['OCGT', 'OTHER', 'PS'] },
      'elexon-further-fuel-type': { AssetCategory: [], EnergySource: ['BATTERY', 'CHP'] },
      'dispatch-technology': { AssetCategory: [], EnergySource: ['EV Charger DSR'] },
    });
  });

  it('reads the spellings real files publish as the concepts they stand for', () => {
    const concept = (scheme: string, value: string) => mapped(mapping.map(scheme, value), value);
    const slug = (scheme: string, value: string) => concept(scheme, value).concept.slice(`${FMAR_MAPPING}${scheme}/`.length);
    // Data README, file 1 quirks: "Biofuel - Landfill gas" vs "Biofuel landfill gas", "Wind" vs "Wind onshore" vs "wind onshore".
    assert.equal(slug('ecr-energy-source', 'Biofuel landfill gas'), 'landfill-gas');
    assert.equal(slug('ecr-energy-source', 'Biofuel - Landfill gas'), 'landfill-gas');
    assert.deepEqual(concept('ecr-energy-source', 'wind onshore'), { concept: `${FMAR_MAPPING}ecr-energy-source/wind`, matchedBy: 'altLabel', label: 'Wind onshore', codes: { EnergySource: 'WIND', AssetCategory: 'WIND_TURBINE' }, relations: { EnergySource: 'exactMatch', AssetCategory: 'closeMatch' } });
    assert.equal(slug('ecr-energy-source', 'Wind offshore'), 'wind');
    // The double space is published; the ENA spelling has one.
    assert.equal(concept('ecr-conversion-technology', 'Storage - Electrochemical  (Batteries)').matchedBy, 'altLabel');
    assert.deepEqual(concept('ecr-conversion-technology', 'Storage - Electrochemical (Batteries)').codes, { AssetCategory: 'BESS' });
    assert.deepEqual(concept('ecr-energy-source', STORED_ENERGY).codes, { EnergySource: 'GRID' });
    // UKPN-only values are concepts of their own, not stretched onto an ENA value.
    assert.equal(slug('ecr-energy-source', 'Landfill Gas, Sewage'), 'landfill-gas-and-sewage');
    assert.equal(slug('ecr-energy-source', 'Biogas'), 'biogas');
    assert.deepEqual(concept('ecr-energy-source', 'Biogas').relations, { EnergySource: 'exactMatch', AssetCategory: 'broadMatch' });
    assert.deepEqual(concept('ecr-energy-source', 'Biofuel - Landfill gas').relations, { EnergySource: 'broadMatch', AssetCategory: 'broadMatch' });
    // Data README, file 5: two Elexon rows write "Wind".
    assert.equal(concept('elexon-fuel-type', 'Wind').label, 'Wind');
    assert.equal(slug('elexon-fuel-type', 'Wind'), 'WIND');
    assert.deepEqual(concept('elexon-fuel-type', 'OTHER').codes, {});
    assert.deepEqual(concept('elexon-further-fuel-type', 'BATTERY').codes, { AssetCategory: 'BESS' });
    // REPD writes "Geothermal " with a trailing space.
    assert.deepEqual(concept('repd-technology-type', 'Geothermal ').codes, { EnergySource: 'OTHER', AssetCategory: 'OTHER' });
    assert.deepEqual(concept('repd-technology-type', 'Solar Photovoltaics').codes, { EnergySource: 'SOLAR', AssetCategory: 'SOLAR_PV' });
    assert.deepEqual(concept('dispatch-technology', 'EV Charger DSR').codes, { AssetCategory: 'EV_CHARGER', DemandTechType: 'EV' });
  });

  it('agrees with ecrTechnologyCategory.ts on every real ECR technology slot where both give a category', async () => {
    const ecr = csvRows(await readFile(join(GB, 'ukpn_ecr_1mw_plus_2025-08.csv'), 'utf8'));
    const slots = [
      ['Energy Source 1', 'Energy Conversion Technology 1', 'CHP Cogeneration (Yes/No)'],
      ['Energy Source 2', 'Energy Conversion Technology 2', 'CHP Cogeneration 2 (Yes/No)'],
      ['Energy Source 3', 'Energy Conversion Technology 3', 'CHP Cogeneration 3 (Yes/No)'],
    ];
    const disagreements: string[] = [];
    const onlyTheFunction = new Map<string, number>();
    let compared = 0;
    for (const row of ecr) {
      for (const [s, t, c] of slots) {
        const fromFunction = assetCategoryOfEcrTechnology(row[s], row[t], row[c]);
        const fromData = slotCategory(mapping, row[s], row[t], row[c]);
        const pair = `${row[s]} / ${row[t]} -> ${fromFunction}`;
        if (fromFunction && fromData) {
          compared++;
          if (fromFunction !== fromData) disagreements.push(`${pair}, data ${fromData}`);
        } else if (fromFunction) onlyTheFunction.set(pair, (onlyTheFunction.get(pair) ?? 0) + 1);
        else assert.equal(fromData, undefined, `${pair}: the data decides where the function does not`);
      }
    }
    assert.equal(compared, 1396, 'slot 1 of all 1,240 rows, and the 160 filled slots 2 and 3 but the 4 below');
    assert.deepEqual(disagreements, []);
    // The data deliberately leaves these without an AssetCategory (README, "Combining ECR columns").
    assert.deepEqual(Object.fromEntries(onlyTheFunction), { [`${STORED_ENERGY} /  -> BESS`]: 2, [`${STORED_ENERGY} / Storage - Other -> BESS`]: 2 });
  });

  it('differs from ecrTechnologyCategory.ts on ENA-defined pairs no real file has only where the README says', async () => {
    const ena = JSON.parse(await readFile(join(GB, 'ecr_enumerations.json'), 'utf8')) as { ena_defined: { energy_source: string[]; energy_conversion_technology: string[] } };
    const disagreeing = new Set<string>();
    const undecided = new Set<string>();
    for (const source of ena.ena_defined.energy_source) {
      for (const technology of ena.ena_defined.energy_conversion_technology) {
        const fromFunction = assetCategoryOfEcrTechnology(source, technology);
        const fromData = slotCategory(mapping, source, technology);
        const who = source === STORED_ENERGY ? 'Stored Energy' : 'any source';
        if (fromFunction && fromData && fromFunction !== fromData) disagreeing.add(`${who} / ${technology.startsWith('Storage') ? technology : 'a non-storage technology'}: ${fromFunction} vs ${fromData}`);
        if (fromFunction && !fromData) undecided.add(technology === 'Storage - Other' || technology === 'Interconnector' ? technology : `${source} / ${technology}`);
      }
    }
    assert.deepEqual([...disagreeing].sort(), [
      'Stored Energy / Storage - Chemical: BESS vs OTHER',
      'Stored Energy / a non-storage technology: BESS vs OTHER',
      'Stored Energy / a non-storage technology: BESS vs SOLAR_PV',
      'Stored Energy / a non-storage technology: BESS vs WIND_TURBINE',
      'any source / Storage - Chemical: BESS vs OTHER',
    ]);
    assert.deepEqual([...undecided].sort(), [
      'Data not available / Other',
      'Interconnector',
      'Other / Data not available',
      'Other / Other',
      'Storage - Other',
      `${STORED_ENERGY} / Data not available`,
      `${STORED_ENERGY} / Other`,
    ]);
  });
});
