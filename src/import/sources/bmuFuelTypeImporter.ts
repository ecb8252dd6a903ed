import { DataFactory, type Quad } from 'n3';
import { bmUnitIri } from '../../domain/publishedBmUnits.js';
import { FMAR, FMAR_CODE, RDF, XSD } from '../../rdf/namespaces.js';
import { parseDate } from '../cellValues.js';
import type { ImportContext, RowMapping, RowProblem, SourceImporter } from '../SourceImporter.js';
import type { TabularRow } from '../tabularFile.js';
import { unmappedValueWarning, type VocabularyMapping } from '../VocabularyMapping.js';

const { namedNode, literal, quad } = DataFactory;

/** The columns of Elexon's BMU Fuel Type list, as published. */
export const BMU_FUEL_TYPE_COLUMNS = {
  ngcBmuId: 'NGC_BMU_ID',
  settlementBmuId: 'SETT_BMU_ID',
  fuelType: 'FUEL TYPE',
  effectiveFrom: 'EFF_FROM',
  effectiveTo: 'EFF_TO',
  furtherFuelType: 'Further Fuel Type',
  eelps: 'EELPS?',
} as const;

/** The source vocabularies of the two fuel-type columns (data/mappings/source-vocabularies.ttl). */
export const FUEL_TYPE_SCHEME = 'elexon-fuel-type';
export const FURTHER_FUEL_TYPE_SCHEME = 'elexon-further-fuel-type';

export interface BmuFuelTypeImporterOptions {
  vocabulary: VocabularyMapping;
}

/**
 * Elexon's BMU Fuel Type list (the data README's file 5; issue #9, Elexon BM units): the fuel type BMRS reports a
 * BM unit's generation under, for the transmission-connected and large embedded units. One `fmar:BmUnitFuelType` per
 * row, in its own graph `{base}reference/bm-unit-fuel-types/{SETT_BMU_ID}`, linked by `fmar:fuelTypeOf` to the BM unit
 * of that BM Unit ID (`{base}reference/bm-units/{id}`, what `fmar import bm-units` writes), with its provenance from
 * this file: the fuel type is what this list says, so it is a record of its own rather than values joined into the
 * unit, which would claim the BM unit report as their source.
 *
 * FUEL TYPE and Further Fuel Type map to FMAR codes through the SKOS data of data/mappings/source-vocabularies.ttl: the
 * further fuel type refines the fuel type (OTHER with BATTERY is a BESS, OTHER with SOLAR is solar PV), so its codes
 * come first (data/mappings/README.md: a Further Fuel Type of CHP makes the category CHP). A value no label matches
 * is an `unmapped-value` warning and is kept as published.
 *
 * The key is SETT_BMU_ID, the BM Unit ID. 52 rows of the 2023-12 list give only the NGC BMU name (units known to the
 * system operator by that name alone): they are kept, keyed by it, with a warning, and linked to no BM unit.
 */
export class BmuFuelTypeImporter implements SourceImporter {
  readonly kind = 'bmu-fuel-types';
  readonly headerColumns = [BMU_FUEL_TYPE_COLUMNS.settlementBmuId, BMU_FUEL_TYPE_COLUMNS.fuelType];
  readonly source = {
    title: 'Elexon BMU Fuel Type list',
    publisher: 'Elexon Limited',
    licence: 'https://www.elexon.co.uk/data/balancing-mechanism-reporting-agent/copyright-licence-bmrs-data/',
    attribution: 'Contains BMRS data © Elexon Limited copyright and database right 2023',
    dataset: 'Elexon "BMU Fuel Type" list (the fuel types BMRS reports generation under)',
  };

  constructor(private readonly options: BmuFuelTypeImporterOptions) {}

  begin(): void {
    const schemes = this.options.vocabulary.schemes();
    for (const scheme of [FUEL_TYPE_SCHEME, FURTHER_FUEL_TYPE_SCHEME]) if (!schemes.includes(scheme)) throw new Error(`the source vocabularies lack ${scheme} (data/mappings/source-vocabularies.ttl)`);
  }

  mapRow(row: TabularRow, context: ImportContext): RowMapping {
    const warnings: RowProblem[] = [];
    const errors: RowProblem[] = [];
    const cell = (column: string) => row.value(column);
    const settlementId = cell(BMU_FUEL_TYPE_COLUMNS.settlementBmuId);
    const ngcName = cell(BMU_FUEL_TYPE_COLUMNS.ngcBmuId);
    const fuelType = cell(BMU_FUEL_TYPE_COLUMNS.fuelType);
    if (!settlementId && !ngcName) errors.push({ reason: 'no-bm-unit-id', column: BMU_FUEL_TYPE_COLUMNS.settlementBmuId, message: 'the row names no BM unit (neither SETT_BMU_ID nor NGC_BMU_ID)' });
    if (!fuelType) errors.push({ reason: 'no-fuel-type', column: BMU_FUEL_TYPE_COLUMNS.fuelType, message: 'the row gives no fuel type' });
    if (errors.length) return { entities: [], warnings, errors };
    if (!settlementId) warnings.push({ reason: 'no-settlement-bm-unit-id', column: BMU_FUEL_TYPE_COLUMNS.settlementBmuId, message: `the row names the unit by its NGC BMU name ${ngcName} only: kept under that name, linked to no BM unit` });

    const key = settlementId ?? `NGC:${ngcName}`;
    const iri = `${context.baseIri}reference/bm-unit-fuel-types/${encodeURIComponent(key)}`;
    const s = namedNode(iri);
    const out: Quad[] = [quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}BmUnitFuelType`), s)];
    const add = (p: string, o: Quad['object']) => out.push(quad(s, namedNode(`${FMAR}${p}`), o, s));
    add('sourceKey', literal(key));
    if (settlementId) {
      add('fuelTypeBmUnitId', literal(settlementId));
      add('fuelTypeOf', namedNode(bmUnitIri(context.baseIri, settlementId)));
    }
    if (ngcName) add('fuelTypeNgcBmuName', literal(ngcName));
    add('publishedFuelType', literal(fuelType!));
    const furtherFuelType = cell(BMU_FUEL_TYPE_COLUMNS.furtherFuelType);
    if (furtherFuelType) add('publishedFurtherFuelType', literal(furtherFuelType));
    const eelps = cell(BMU_FUEL_TYPE_COLUMNS.eelps);
    if (eelps) add('fuelTypeListNote', literal(eelps));

    const codesOf = (scheme: string, column: string, value: string | undefined) => {
      const mapped = this.options.vocabulary.map(scheme, value);
      if (mapped && 'unmapped' in mapped) warnings.push(unmappedValueWarning(column, value));
      return mapped && 'codes' in mapped ? mapped.codes : {};
    };
    const further = codesOf(FURTHER_FUEL_TYPE_SCHEME, BMU_FUEL_TYPE_COLUMNS.furtherFuelType, furtherFuelType);
    const fuel = codesOf(FUEL_TYPE_SCHEME, BMU_FUEL_TYPE_COLUMNS.fuelType, fuelType);
    const assetCategory = further.AssetCategory ?? fuel.AssetCategory;
    const energySource = further.EnergySource ?? fuel.EnergySource;
    if (assetCategory) add('fuelTypeAssetCategory', namedNode(`${FMAR_CODE}AssetCategory/${assetCategory}`));
    if (energySource) add('fuelTypeEnergySource', namedNode(`${FMAR_CODE}EnergySource/${energySource}`));

    for (const [property, column] of [['fuelTypeEffectiveFrom', BMU_FUEL_TYPE_COLUMNS.effectiveFrom], ['fuelTypeEffectiveTo', BMU_FUEL_TYPE_COLUMNS.effectiveTo]] as const) {
      const date = parseDate(row.cell(column));
      if ('value' in date) add(property, literal(date.value, namedNode(`${XSD}date`)));
      else if ('problem' in date) warnings.push({ reason: 'bad-date', column, value: row.cell(column), message: date.problem });
    }
    return { entities: [{ iri, key, quads: out, label: `fuel type of ${settlementId ?? ngcName}` }], warnings, errors };
  }
}
