import { DataFactory, type Quad } from 'n3';
import { FMAR, FMAR_CODE, RDF, XSD } from '../../rdf/namespaces.js';
import { megawattsToKilowatts, parseDate, parseDecimal, parseYesNo } from '../cellValues.js';
import type { ImportContext, ImportedEntity, RowMapping, RowProblem, SourceImporter } from '../SourceImporter.js';
import type { TabularRow } from '../tabularFile.js';
import { unmappedValueWarning, type VocabularyMapping } from '../VocabularyMapping.js';
import { referencePartyEntity } from './referenceParty.js';

const { namedNode, literal, quad } = DataFactory;

/** The columns of the Renewable Energy Planning Database the importer reads, as published (October 2022). */
export const REPD_COLUMNS = {
  refId: 'Ref ID',
  recordLastUpdated: 'Record Last Updated (dd/mm/yyyy)',
  operator: 'Operator (or Applicant)',
  siteName: 'Site Name',
  technologyType: 'Technology Type',
  storageType: 'Storage Type',
  installedCapacity: 'Installed Capacity (MWelec)',
  chpEnabled: 'CHP Enabled',
  developmentStatus: 'Development Status',
  developmentStatusShort: 'Development Status (short)',
  region: 'Region',
  country: 'Country',
  x: 'X-coordinate',
  y: 'Y-coordinate',
  planningAuthority: 'Planning Authority',
  planningPermissionGranted: 'Planning Permission Granted',
  operational: 'Operational',
} as const;

/** The source vocabulary of the Technology Type column (data/mappings/source-vocabularies.ttl). */
export const REPD_TECHNOLOGY_SCHEME = 'repd-technology-type';

/** The role a reference party has when the REPD names it as a project's operator or applicant. */
export const REPD_OPERATOR_ROLE = 'REPD operator';

/**
 * The extent of the British National Grid the REPD's X and Y are checked against, in metres: the grid's 0-700 km
 * east and 0-1,300 km north, with 100 km more to the east for offshore sites (the 2022-10 edition has eastings up to
 * 708,047, off East Anglia). Northern Ireland's rows are on the same grid (eastings 4,942 to 169,400).
 */
const MAX_EASTING = 800_000;
const MAX_NORTHING = 1_300_000;

export interface RepdImporterOptions {
  /** The source vocabularies, holding the repd-technology-type scheme. */
  vocabulary: VocabularyMapping;
}

/**
 * The DESNZ (formerly BEIS) Renewable Energy Planning Database (issue #9, the data README's file 7): one
 * `fmar:RepdEntry` per row, in its own graph `{base}reference/repd/{Ref ID}`, with the site name, the operator (or
 * applicant) as published and, when the name is recognisably an organisation's, as a shared reference party; the
 * technology type as published and the FMAR AssetCategory and EnergySource it maps to; the storage type; the
 * installed capacity in kW; the development status (and the short one); region, country and planning authority;
 * the British National Grid X and Y as published; and the dates the project became operational, got planning
 * permission and was last updated in the database.
 *
 * The key. Ref ID is the database's own identifier of a project: unique in the file (8,016 in 8,016 rows of
 * 2022-10), kept across editions, and what other datasets cite (the Power Station Dictionary's new_repd_id). A
 * second row with the same Ref ID in one file is a duplicate (ImportRun rejects it); a row without one is rejected.
 *
 * Technology. Technology Type maps through the repd-technology-type scheme (all 23 values of 2022-10 have a
 * concept). CHP Enabled = Yes makes the AssetCategory CHP, as an ECR's CHP Cogeneration does
 * (data/mappings/README.md). Some concepts deliberately map to no EnergySource (Battery: the database does not say
 * what charges it; the mapping data says why for each): no code, and no warning. A value no label matches is kept as
 * published, without codes, with an `unmapped-value` warning.
 *
 * Values are kept as published, including text the publisher's file already holds garbled ("Gorsedd BrÃ¢n",
 * UTF-8 read as Windows-1252 before it was saved): correcting it would be guessing.
 *
 * Left out: street addresses, county and post codes (the data README: real data about real sites; do not enrich),
 * planning and appeal references and the other planning-history dates, the subsidy columns (RO banding, FiT, CfD),
 * turbine details, solar mounting, the re-application and co-location references and the heat network reference.
 */
export class RepdImporter implements SourceImporter {
  readonly kind = 'repd';
  readonly headerColumns = [REPD_COLUMNS.refId, REPD_COLUMNS.technologyType, REPD_COLUMNS.developmentStatus];
  readonly source = {
    title: 'Renewable Energy Planning Database (REPD)',
    publisher: 'Department for Energy Security and Net Zero (DESNZ; Department for Business, Energy and Industrial Strategy, BEIS, until 2023)',
    licence: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
    attribution: 'Contains public sector information licensed under the Open Government Licence v3.0 (Renewable Energy Planning Database, DESNZ/BEIS)',
    dataset: 'DESNZ (formerly BEIS) Renewable Energy Planning Database, quarterly extract published on gov.uk',
  };

  constructor(private readonly options: RepdImporterOptions) {}

  begin(): void {
    if (!this.options.vocabulary.schemes().includes(REPD_TECHNOLOGY_SCHEME)) throw new Error(`the source vocabularies lack ${REPD_TECHNOLOGY_SCHEME}: load data/mappings/source-vocabularies.ttl`);
  }

  mapRow(row: TabularRow, context: ImportContext): RowMapping {
    const warnings: RowProblem[] = [];
    const errors: RowProblem[] = [];
    const cell = (column: string) => row.value(column);
    const refId = cell(REPD_COLUMNS.refId);
    if (!refId) {
      errors.push({ reason: 'no-ref-id', column: REPD_COLUMNS.refId, message: 'the row gives no Ref ID' });
      return { entities: [], warnings, errors };
    }
    if (!/^\d+$/.test(refId)) warnings.push({ reason: 'unusual-ref-id', column: REPD_COLUMNS.refId, value: refId, message: 'not a number, as every REPD Ref ID of 2022-10 is: the entry is keyed by it as published' });

    const iri = `${context.baseIri}reference/repd/${encodeURIComponent(refId)}`;
    const s = namedNode(iri);
    const g = s;
    const out: Quad[] = [];
    const add = (p: string, o: Quad['object']) => out.push(quad(s, namedNode(`${FMAR}${p}`), o, g));
    const text = (p: string, column: string) => {
      const value = cell(column);
      if (value !== undefined) add(p, literal(value));
      return value;
    };
    out.push(quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}RepdEntry`), g));
    add('sourceKey', literal(refId));
    add('repdRefId', literal(refId));
    const site = text('repdSiteName', REPD_COLUMNS.siteName);
    const operator = text('repdOperatorName', REPD_COLUMNS.operator);

    const technology = text('repdTechnologyType', REPD_COLUMNS.technologyType);
    const chpCell = row.cell(REPD_COLUMNS.chpEnabled);
    const chp = parseYesNo(chpCell);
    if ('value' in chp) add('repdChpEnabled', literal(String(chp.value), namedNode(`${XSD}boolean`)));
    else if ('problem' in chp) warnings.push({ reason: 'bad-flag', column: REPD_COLUMNS.chpEnabled, value: chpCell, message: chp.problem });
    const mapped = this.options.vocabulary.map(REPD_TECHNOLOGY_SCHEME, technology);
    if (mapped && 'unmapped' in mapped) warnings.push(unmappedValueWarning(REPD_COLUMNS.technologyType, technology));
    const codes = mapped && 'codes' in mapped ? mapped.codes : {};
    // CHP Enabled = Yes: the plant runs as combined heat and power, whatever it burns (data/mappings/README.md).
    const assetCategory = 'value' in chp && chp.value ? 'CHP' : codes.AssetCategory;
    if (assetCategory) add('repdAssetCategory', namedNode(`${FMAR_CODE}AssetCategory/${assetCategory}`));
    if (codes.EnergySource) add('repdEnergySourceCode', namedNode(`${FMAR_CODE}EnergySource/${codes.EnergySource}`));
    text('repdStorageType', REPD_COLUMNS.storageType);

    const capacityCell = row.cell(REPD_COLUMNS.installedCapacity);
    const capacity = megawattsToKilowatts(capacityCell);
    if ('value' in capacity) add('repdInstalledCapacity', literal(capacity.value, namedNode(`${XSD}decimal`)));
    else if ('problem' in capacity) warnings.push({ reason: 'bad-capacity', column: REPD_COLUMNS.installedCapacity, value: capacityCell, message: `${capacity.problem}: no installed capacity is recorded` });
    else warnings.push({ reason: 'no-capacity', column: REPD_COLUMNS.installedCapacity, message: 'the row gives no installed capacity: the entry has none' });

    text('repdDevelopmentStatus', REPD_COLUMNS.developmentStatus);
    text('repdDevelopmentStatusShort', REPD_COLUMNS.developmentStatusShort);
    text('repdRegion', REPD_COLUMNS.region);
    text('repdCountry', REPD_COLUMNS.country);
    text('repdPlanningAuthority', REPD_COLUMNS.planningAuthority);
    this.gridReference(row, add, warnings);

    for (const [property, column] of [['repdOperationalDate', REPD_COLUMNS.operational], ['repdPlanningPermissionGranted', REPD_COLUMNS.planningPermissionGranted], ['repdRecordLastUpdated', REPD_COLUMNS.recordLastUpdated]] as const) {
      const date = parseDate(row.cell(column));
      if ('value' in date) add(property, literal(date.value, namedNode(`${XSD}date`)));
      else if ('problem' in date) warnings.push({ reason: 'bad-date', column, value: row.cell(column), message: date.problem });
    }

    const entities: ImportedEntity[] = [{ iri, key: refId, quads: out, label: `REPD entry ${refId}${site ? ` (${site})` : ''}` }];
    // An operator not recognisably an organisation ("Private Developer", a person, a trading name without a company
    // form) is kept only as the published name (referenceParty.ts).
    const party = operator ? referencePartyEntity(context.baseIri, operator, REPD_OPERATOR_ROLE) : undefined;
    if (party) {
      add('repdOperator', namedNode(party.iri));
      entities.push(party);
    }
    return { entities, warnings, errors };
  }

  /**
   * X-coordinate and Y-coordinate: British National Grid easting and northing in metres, kept as published (exact
   * decimals), both or neither. Not converted to latitude and longitude: that needs a datum transformation (OSGB36
   * to WGS 84) the file does not give, so the result would be ours, not the publisher's.
   */
  private gridReference(row: TabularRow, add: (p: string, o: Quad['object']) => void, warnings: RowProblem[]): void {
    const read = (column: string, max: number): string | undefined | null => {
      const published = row.cell(column);
      const parsed = parseDecimal(published);
      if ('absent' in parsed) return undefined;
      if ('value' in parsed && !parsed.value.startsWith('-') && Number(parsed.value) <= max) return parsed.value;
      warnings.push({ reason: 'bad-coordinate', column, value: published, message: 'problem' in parsed ? parsed.problem : `not a British National Grid coordinate in metres (0 to ${max.toLocaleString('en-GB')})` });
      return null;
    };
    const easting = read(REPD_COLUMNS.x, MAX_EASTING);
    const northing = read(REPD_COLUMNS.y, MAX_NORTHING);
    if (easting && northing) {
      add('repdEasting', literal(easting, namedNode(`${XSD}decimal`)));
      add('repdNorthing', literal(northing, namedNode(`${XSD}decimal`)));
    } else if ((easting === undefined) !== (northing === undefined) && easting !== null && northing !== null) {
      const missing = easting === undefined ? REPD_COLUMNS.x : REPD_COLUMNS.y;
      warnings.push({ reason: 'incomplete-coordinates', column: missing, message: `the row gives ${missing === REPD_COLUMNS.x ? 'a Y but no X' : 'an X but no Y'} coordinate: neither is recorded` });
    }
  }
}
