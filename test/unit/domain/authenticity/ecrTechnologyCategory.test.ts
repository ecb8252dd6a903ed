import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assetCategoryOfEcrTechnology } from '../../../../src/domain/authenticity/ecrTechnologyCategory.js';
import { sharedDir } from '../../../../src/projectRoot.js';

describe('assetCategoryOfEcrTechnology', () => {
  it('reads storage, solar, wind and CHP from the published values, whatever their spelling', () => {
    const cases: [string | undefined, string | undefined, string | undefined, string | undefined][] = [
      ['Stored Energy (all stored energy irrespective of the original energy source)', 'Storage - Electrochemical  (Batteries)', '', 'BESS'],
      ['Stored Energy (all stored energy irrespective of the original energy source)', 'Storage - Electrical', undefined, 'BESS'],
      [undefined, 'Storage - Mechanical - Pumped Hydro', undefined, 'OTHER'],
      ['Stored Energy (all stored energy irrespective of the original energy source)', 'Storage - Thermal', undefined, 'OTHER'],
      ['Solar', 'Photovoltaic', undefined, 'SOLAR_PV'],
      ['Solar', 'Other', undefined, 'SOLAR_PV'],
      ['Wind onshore', 'Onshore wind turbines', undefined, 'WIND_TURBINE'],
      ['wind onshore', 'Onshore wind turbines', undefined, 'WIND_TURBINE'],
      ['Wind', 'Offshore wind turbines', undefined, 'WIND_TURBINE'],
      ['Fossil - Gas', 'Engine (combustion / reciprocating)', 'Yes', 'CHP'],
      ['Fossil - Gas', 'Engine (combustion / reciprocating)', 'No', 'OTHER'],
      ['Biofuel - Landfill gas', 'Gas turbine (OCGT)', undefined, 'OTHER'],
      ['Water (flowing water or head of water)', 'Hydro - Run of river', undefined, 'OTHER'],
      ['Data not available', 'Data not available', undefined, undefined],
      [undefined, undefined, undefined, undefined],
    ];
    for (const [source, technology, chp, category] of cases) assert.equal(assetCategoryOfEcrTechnology(source, technology, chp), category, `${source} / ${technology} / ${chp}`);
  });

  it('gives a category to every pair of ENA-defined values but the "Data not available" pair', async () => {
    const ena = JSON.parse(await readFile(join(sharedDir(), 'data/gb/ecr_enumerations.json'), 'utf8')) as { ena_defined: { energy_source: string[]; energy_conversion_technology: string[] } };
    const valid = new Set(['BESS', 'SOLAR_PV', 'WIND_TURBINE', 'CHP', 'OTHER']);
    for (const source of ena.ena_defined.energy_source) {
      for (const technology of ena.ena_defined.energy_conversion_technology) {
        const category = assetCategoryOfEcrTechnology(source, technology);
        if (source === 'Data not available' && technology === 'Data not available') assert.equal(category, undefined);
        else assert.ok(category && valid.has(category), `${source} / ${technology}: ${category}`);
      }
    }
    assert.equal(assetCategoryOfEcrTechnology('Stored Energy (all stored energy irrespective of the original energy source)', 'Storage - Electrochemical (Batteries)'), 'BESS');
  });
});
