import { createHash } from 'node:crypto';
import { DataFactory, type Quad } from 'n3';
import type { ModelQueries } from '../../ontology/modelQueries.js';
import { dnoCodeOfLicenceArea } from '../../domain/authenticity/ecrLicenceArea.js';
import { ecrEntryIri, ecrEntryReference, isEcrKeyReference } from '../../domain/authenticity/ecrEntries.js';
import { FMAR, FMAR_CODE, RDF, XSD } from '../../rdf/namespaces.js';
import { isNoValue, megawattsToKilowatts, parseDate, parseDecimal, parseYesNo, sumDecimals, type Parsed } from '../cellValues.js';
import { organisationNameKey } from '../../domain/organisationNames.js';
import type { ImportContext, ImportedEntity, RowMapping, RowProblem, SourceDescription, SourceImporter } from '../SourceImporter.js';
import type { TabularFile, TabularRow } from '../tabularFile.js';
import { normaliseLabel, unmappedValueWarning, type VocabularyMapping } from '../VocabularyMapping.js';
import { referencePartyEntity } from './referenceParty.js';

const { namedNode, literal, quad } = DataFactory;

/** The ENA Embedded Capacity Register columns the importer reads, as the ENA format names them (headers are matched without regard to case, spacing or line breaks: tabularFile.ts). */
export const ECR_COLUMNS = {
  customerName: 'Customer Name',
  customerSite: 'Customer Site',
  postcode: 'Postcode',
  country: 'Country',
  gridSupplyPoint: 'Grid Supply Point',
  voltage: 'Point of Connection (POC)_Voltage (kV)',
  licenceArea: 'Licence Area',
  energySource: (n: number) => `Energy Source ${n}`,
  conversionTechnology: (n: number) => `Energy Conversion Technology ${n}`,
  cogeneration: (n: number) => (n === 1 ? 'CHP Cogeneration (Yes/No)' : `CHP Cogeneration ${n} (Yes/No)`),
  storageCapacity: (n: number) => `Storage Capacity ${n} (MWh)`,
  technologyCapacity: (n: number) => `Energy Source & Energy Conversion Technology ${n} - Registered Capacity (MW)`,
  flexibleConnection: 'Flexible Connection (Yes/No)',
  connectionStatus: 'Connection Status',
  connectedCapacity: 'Already connected Registered Capacity (MW)',
  dateConnected: 'Date Connected',
  acceptedCapacity: 'Accepted to Connect Registered Capacity (MW)',
  dateAccepted: 'Date Accepted',
  targetEnergisation: 'Target Energisation Date',
  reference: 'Reference',
  exportMpan: 'Export MPAN / MSID',
  importMpan: 'Import MPAN / MSID',
  lastUpdated: 'Last Updated',
} as const;

const SLOTS = [1, 2, 3];

export interface EcrImporterOptions {
  /** The operator code of the register, e.g. UKPN: it starts references and entry IRIs. */
  operator: string;
  model: ModelQueries;
  vocabulary: VocabularyMapping;
}

/**
 * DNO Embedded Capacity Registers (ENA column set; issue #9): one `fmar:EcrEntry` per row, in its own graph, with its
 * technologies, capacities in kW, licence area and DNO code, connection status and dates, and the customer as a
 * reference party when the customer is an organisation.
 *
 * The key. An ECR row has no identifier of its own (its Reference column is empty in 1,239 of the 1,240 rows of the
 * 2025-08 UKPN file), and its line moves between editions. An entry is keyed by what identifies the site in the
 * register and does not change as the connection progresses: licence area, customer, site, postcode and the first
 * technology (not the status, the capacity or the dates, which a newer edition may change: those are updates). Six
 * pairs of rows of the 2025-08 UKPN file share such a key (two connections of one site): the second of a pair gets
 * `#2`, in file order. The entry answers to `{operator}-ECR-{12 hex digits of the key}` and to the register's own
 * Reference when there is one (and it is not the row's MPAN).
 *
 * These entries are the registry's one ECR: the authenticity checks' cross-check reads them (ecrEntries.ts).
 *
 * Left out: MPANs and street addresses (the data README: real data about real sites, some of them individuals; "do
 * not enrich them"). Customer and site names stay: they are what the register publishes to identify a site, and
 * organisations are matched on them.
 */
export class EcrImporter implements SourceImporter {
  readonly kind = 'ecr';
  readonly headerColumns = [ECR_COLUMNS.licenceArea, ECR_COLUMNS.connectionStatus, ECR_COLUMNS.energySource(1)];
  /**
   * UK Power Networks' register, as the data README describes it. Another operator's register is described by its
   * operator only: its licence and attribution must be given with the import (ImportRun refuses a source without
   * them rather than guess a licence).
   */
  get source(): SourceDescription {
    const operator = this.options.operator.toUpperCase();
    if (operator === 'UKPN') {
      return {
        title: 'UK Power Networks Embedded Capacity Register (1 MW and above)',
        publisher: 'UK Power Networks',
        licence: 'https://creativecommons.org/licenses/by/4.0/',
        attribution: 'Contains data from UK Power Networks, CC BY 4.0',
        dataset: 'UK Power Networks Open Data Portal, dataset ukpn-embedded-capacity-register',
      };
    }
    return { title: `${operator} Embedded Capacity Register`, publisher: operator, licence: '', attribution: '', dataset: `${operator} Embedded Capacity Register` };
  }

  private readonly keysSeen = new Map<string, number>();

  constructor(private readonly options: EcrImporterOptions) {}

  begin(): void {
    this.keysSeen.clear();
  }

  mapRow(row: TabularRow, context: ImportContext): RowMapping {
    const warnings: RowProblem[] = [];
    const errors: RowProblem[] = [];
    const cell = (column: string) => row.value(column);
    const operator = this.options.operator.toUpperCase();
    const licenceArea = cell(ECR_COLUMNS.licenceArea);
    const dno = licenceArea ? dnoCodeOfLicenceArea(licenceArea, this.options.model.scheme(`${FMAR_CODE}DNOCode`).concepts) : undefined;
    if (!licenceArea) errors.push({ reason: 'no-licence-area', column: ECR_COLUMNS.licenceArea, message: 'the row names no licence area' });
    else if (!dno) warnings.push({ reason: 'unknown-licence-area', column: ECR_COLUMNS.licenceArea, value: licenceArea, message: 'the licence area names none of the DNO licence areas of the code lists' });

    const technologies = SLOTS.map((n) => this.technology(row, n, cell, warnings)).filter((t): t is Technology => t !== undefined);
    if (!technologies.length) errors.push({ reason: 'no-technology', column: ECR_COLUMNS.energySource(1), message: 'the row gives no energy source, conversion technology or capacity in any of its three technology columns' });

    const status = cell(ECR_COLUMNS.connectionStatus);
    const connected = /^connected$/i.test(status ?? '');
    const statusColumn = connected ? ECR_COLUMNS.connectedCapacity : ECR_COLUMNS.acceptedCapacity;
    const statusCapacity = this.kilowatts(row, statusColumn, warnings);
    const technologyCapacities = technologies.map((t) => t.capacityKw).filter((c): c is string => c !== undefined);
    const capacity = statusCapacity ?? (technologyCapacities.length ? sumDecimals(technologyCapacities) : undefined);
    // A site the register lists without any capacity (line 303 of the 2025-08 UKPN file) is still a connection the
    // register knows: an asset may name it, and the cross-check says it has no capacity to compare (as the REPD's).
    if (capacity === undefined) warnings.push({ reason: 'no-capacity', column: statusColumn, message: 'the row gives no registered capacity, for the site or for any technology: the entry has none' });

    if (errors.length) return { entities: [], warnings, errors };

    const customerName = cell(ECR_COLUMNS.customerName);
    const site = cell(ECR_COLUMNS.customerSite);
    const keyText = [licenceArea, customerName, site, cell(ECR_COLUMNS.postcode), technologies[0]?.source, technologies[0]?.technology].map((v) => (v ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()).join('|');
    const occurrence = (this.keysSeen.get(keyText) ?? 0) + 1;
    this.keysSeen.set(keyText, occurrence);
    const key = occurrence > 1 ? `${keyText}#${occurrence}` : keyText;
    const hash = createHash('sha256').update(`${operator}|${key}`).digest('hex').slice(0, 12);
    const iri = ecrEntryIri(context.baseIri, operator, hash);
    const s = namedNode(iri);
    const g = s;
    const out: Quad[] = [];
    const add = (p: string, o: Quad['object'], subject = s) => out.push(quad(subject, namedNode(`${FMAR}${p}`), o, g));
    out.push(quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}EcrEntry`), g));
    add('sourceKey', literal(key));
    add('ecrEntryReference', literal(ecrEntryReference(operator, hash)));
    const ownReference = cell(ECR_COLUMNS.reference);
    const mpans = [row.cell(ECR_COLUMNS.exportMpan), row.cell(ECR_COLUMNS.importMpan)].map((m) => m?.trim());
    if (ownReference && !mpans.includes(ownReference)) add('ecrEntryReference', literal(ownReference));
    if (status) add('ecrConnectionStatus', literal(status));
    if (capacity !== undefined) add('ecrRegisteredCapacity', decimal(capacity));
    if (licenceArea) add('ecrLicenceArea', literal(licenceArea));
    if (dno) add('ecrDnoArea', namedNode(dno.iri));
    if (customerName) add('ecrCustomerName', literal(customerName));
    if (site) add('ecrSiteName', literal(site));
    const gsp = cell(ECR_COLUMNS.gridSupplyPoint);
    if (gsp) add('ecrGridSupplyPoint', literal(gsp));
    // Canonical decimal text ("33.00" → "33"), as the store keeps it: otherwise a re-run would see a change.
    const voltage = parseDecimal(row.cell(ECR_COLUMNS.voltage));
    if ('value' in voltage && !voltage.value.startsWith('-')) add('ecrConnectionVoltage', decimal(voltage.value));
    else if (!('absent' in voltage)) warnings.push({ reason: 'bad-number', column: ECR_COLUMNS.voltage, value: row.cell(ECR_COLUMNS.voltage), message: 'not a voltage in kV' });
    const flexible = parseYesNo(row.cell(ECR_COLUMNS.flexibleConnection));
    if ('value' in flexible) add('ecrFlexibleConnection', literal(String(flexible.value), namedNode(`${XSD}boolean`)));
    else if ('problem' in flexible && !isNoValue(row.cell(ECR_COLUMNS.flexibleConnection))) warnings.push({ reason: 'bad-flag', column: ECR_COLUMNS.flexibleConnection, value: row.cell(ECR_COLUMNS.flexibleConnection), message: flexible.problem });
    for (const [property, column] of [['ecrDateConnected', ECR_COLUMNS.dateConnected], ['ecrDateAccepted', ECR_COLUMNS.dateAccepted], ['ecrTargetEnergisationDate', ECR_COLUMNS.targetEnergisation], ['ecrLastUpdated', ECR_COLUMNS.lastUpdated]] as const) {
      const date = parseDate(row.cell(column));
      if ('value' in date) add(property, literal(date.value, namedNode(`${XSD}date`)));
      else if ('problem' in date) warnings.push({ reason: 'bad-date', column, value: row.cell(column), message: date.problem });
    }
    for (const t of technologies) {
      const tech = namedNode(`${iri}/technologies/${t.slot}`);
      add('ecrTechnology', tech);
      add('ecrTechnologySlot', literal(String(t.slot), namedNode(`${XSD}integer`)), tech);
      out.push(quad(tech, namedNode(`${RDF}type`), namedNode(`${FMAR}EcrTechnology`), g));
      if (t.source) add('ecrEnergySource', literal(t.source), tech);
      if (t.technology) add('ecrConversionTechnology', literal(t.technology), tech);
      if (t.capacityKw) add('ecrTechnologyCapacity', decimal(t.capacityKw), tech);
      if (t.storageKwh) add('ecrStorageCapacity', decimal(t.storageKwh), tech);
      if (t.assetCategory) add('ecrAssetCategory', namedNode(`${FMAR_CODE}AssetCategory/${t.assetCategory}`), tech);
      if (t.energySourceCode) add('ecrEnergySourceCode', namedNode(`${FMAR_CODE}EnergySource/${t.energySourceCode}`), tech);
    }
    const entities: ImportedEntity[] = [{ iri, key, quads: out, label: `ECR entry ${site ?? customerName ?? key}` }];
    const party = customerName ? referencePartyEntity(context.baseIri, customerName, `${operator} ECR customer`) : undefined;
    if (party) {
      add('ecrCustomer', namedNode(party.iri));
      entities.push(party);
    } else if (customerName && organisationNameKey(customerName)) {
      // Not recognisably an organisation (no company form): perhaps a person. Kept as the published name only.
    }
    return { entities, warnings, errors };
  }

  private technology(row: TabularRow, n: number, cell: (column: string) => string | undefined, warnings: RowProblem[]): Technology | undefined {
    const source = cell(ECR_COLUMNS.energySource(n));
    const technology = cell(ECR_COLUMNS.conversionTechnology(n));
    const capacityKw = this.kilowatts(row, ECR_COLUMNS.technologyCapacity(n), warnings);
    const storageKwh = this.kilowatts(row, ECR_COLUMNS.storageCapacity(n), warnings);
    if (!source && !technology && !capacityKw) return undefined;
    const { sourceMapping, technologyMapping, assetCategory, energySourceCode } = ecrTechnologyCodes(this.options.vocabulary, source, technology, row.cell(ECR_COLUMNS.cogeneration(n)));
    for (const [mapping, column, value] of [[sourceMapping, ECR_COLUMNS.energySource(n), source], [technologyMapping, ECR_COLUMNS.conversionTechnology(n), technology]] as const) {
      if (mapping && 'unmapped' in mapping) warnings.push(unmappedValueWarning(column, value));
    }
    return { slot: n, source, technology, capacityKw, storageKwh, assetCategory, energySourceCode };
  }

  /** A capacity column in MW as kW text; a value that is not a capacity is a warning, not a guess. */
  private kilowatts(row: TabularRow, column: string, warnings: RowProblem[]): string | undefined {
    const parsed: Parsed<string> = megawattsToKilowatts(row.cell(column));
    if ('value' in parsed) return parsed.value;
    if ('problem' in parsed) warnings.push({ reason: 'bad-capacity', column, value: row.cell(column), message: parsed.problem });
    return undefined;
  }
}

/**
 * What the importer makes of each row of a register, by the line the row starts on, in file order (a row's key, and
 * so its entry's reference, depends on the rows before it): without a store, for the sample builder and the tests.
 */
export function ecrRowMappings(file: TabularFile, importer: EcrImporter, baseIri = 'https://registry.invalid/'): Map<number, RowMapping> {
  const sourceIri = `${baseIri}reference/sources/any`;
  const context: ImportContext = { baseIri, sourceIri, rowIri: (row) => `${sourceIri}#row-${row}` };
  importer.begin();
  return new Map(file.rows.map((row) => [row.line, importer.mapRow(row, context)]));
}

/**
 * The stable reference (`{OPERATOR}-ECR-{12 hex digits}`) of the entry each row of a register becomes, by the line the
 * row starts on; rows the importer rejects have none. What an FSP, or the sample builder, writes as an asset's
 * ecrReference: the line of a row moves between editions, its reference does not.
 */
export function ecrEntryReferencesByLine(file: TabularFile, importer: EcrImporter): Map<number, string> {
  const references = new Map<number, string>();
  for (const [line, mapping] of ecrRowMappings(file, importer)) {
    const [entry] = mapping.entities;
    const reference = entry?.quads.find((q) => q.predicate.value === `${FMAR}ecrEntryReference` && isEcrKeyReference(q.object.value));
    if (reference) references.set(line, reference.object.value);
  }
  return references;
}

/**
 * The FMAR codes of one ECR technology slot, from its published energy source, conversion technology and CHP
 * Cogeneration flag, through the source vocabularies (the rule of data/mappings/README.md):
 * - combined heat and power runs whatever engine or turbine as CHP (ENA "CHP Cogeneration (Yes/No)");
 * - otherwise the technology decides the category, and the source only when the technology says nothing or "Other"
 *   ("Solar" with "Storage - Other" is not SOLAR_PV);
 * - the energy source comes from the source (the technology scheme holds none today), else the technology.
 */
export function ecrTechnologyCodes(vocabulary: VocabularyMapping, source: string | undefined, technology: string | undefined, cogeneration: string | undefined) {
  const sourceMapping = vocabulary.map('ecr-energy-source', source);
  const technologyMapping = vocabulary.map('ecr-conversion-technology', technology);
  const codes = (m: typeof sourceMapping) => (m && 'codes' in m ? m.codes : {});
  const chp = parseYesNo(cogeneration);
  const technologySilent = technologyMapping === undefined || ('codes' in technologyMapping && normaliseLabel(technologyMapping.label) === 'other');
  const assetCategory: string | undefined = 'value' in chp && chp.value ? 'CHP' : codes(technologyMapping).AssetCategory ?? (technologySilent ? codes(sourceMapping).AssetCategory : undefined);
  const energySourceCode: string | undefined = codes(sourceMapping).EnergySource ?? codes(technologyMapping).EnergySource;
  return { sourceMapping, technologyMapping, assetCategory, energySourceCode };
}

interface Technology {
  slot: number;
  source?: string;
  technology?: string;
  capacityKw?: string;
  storageKwh?: string;
  assetCategory?: string;
  energySourceCode?: string;
}

function decimal(value: string) {
  return literal(value, namedNode(`${XSD}decimal`));
}
