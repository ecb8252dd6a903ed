import { DataFactory, type Quad } from 'n3';
import type { ModelQueries } from '../../ontology/modelQueries.js';
import { bmUnitIri } from '../../domain/publishedBmUnits.js';
import { FMAR, FMAR_CODE, RDF, XSD } from '../../rdf/namespaces.js';
import { megawattsToKilowatts, parseDate, parseDecimal, parseYesNo, type Parsed } from '../cellValues.js';
import type { ImportContext, ImportedEntity, RowMapping, RowProblem, SourceImporter } from '../SourceImporter.js';
import type { TabularRow } from '../tabularFile.js';
import type { VocabularyMapping } from '../VocabularyMapping.js';
import { referencePartyEntity } from './referenceParty.js';

const { namedNode, literal, quad } = DataFactory;

/** The columns of Elexon's "BM Units Registered with Central Registration Agency" report the importer reads, as published. */
export const BM_UNIT_COLUMNS = {
  bmUnitId: 'BM Unit ID',
  bmuName: 'BMU Name',
  partyName: 'Party Name',
  partyId: 'Party ID',
  bmuType: 'BMU Type',
  ngcBmuName: 'NGC BMU Name',
  gspGroupId: 'GSP Group Id',
  gspGroupName: 'GSP Group Name',
  prodConsFlag: 'Prod/Cons Flag',
  prodConsStatus: 'Prod/Cons Status',
  generationCapacity: 'GC',
  demandCapacity: 'DC',
  fpnFlag: 'FPN Flag',
  interconnectorId: 'Interconnector Id',
  effectiveFrom: 'Effective From',
} as const;

/** The source vocabulary of the report's GSP group names (data/mappings/elexon-gsp-groups.ttl). */
export const ELEXON_GSP_GROUP_SCHEME = 'elexon-gsp-group-name';

/** The mapping file of that vocabulary, relative to the project root. */
export const ELEXON_GSP_GROUPS_FILE = 'data/mappings/elexon-gsp-groups.ttl';

/**
 * The BM Unit ID prefixes and the kinds they mark (Elexon, "How are BM Units categorised?"; the data README, file 4),
 * longest first so that 2__ and V__ are not read as shorter prefixes. The ontology's fmar:bmuKind says what each is.
 */
export const BM_UNIT_PREFIXES = ['2__', 'V__', 'T_', 'E_', 'I_', 'C_', 'M_'] as const;

export interface BmUnitImporterOptions {
  model: ModelQueries;
  /** The source vocabularies, holding the elexon-gsp-group-name scheme (VocabularyMapping.load() reads every file of data/mappings/). */
  vocabulary: VocabularyMapping;
}

/**
 * Elexon's "BM Units Registered with Central Registration Agency" report (issue #9, the data README's file 4): one
 * `fmar:BmUnit` per row, in its own graph `{base}reference/bm-units/{BM Unit ID, URL-encoded}`, with its names, BMU
 * type, the kind its ID prefix marks, its lead party, GSP group, production/consumption flag and status, GC and DC
 * in kW, FPN flag, interconnector and effective-from date.
 *
 * The key. The BM Unit ID is the unit's identifier under the BSC, unique in the report (5,387 IDs in 5,387 rows of
 * 2022-06) and the same in every edition; it is what an FMAR market unit's `bmUnitId` holds, so a market unit finds
 * its published BM unit by that value. A second row with the same ID in one file is a duplicate (ImportRun).
 *
 * The lead party is a shared reference party keyed by its Elexon Party ID (referenceParty.ts), so the units of one
 * party link to one party, which holds every name the party is published under. The GSP group is an FMAR GSPGroup
 * code read from the report's GSP Group Name through the SKOS mapping in data/mappings/elexon-gsp-groups.ttl (the
 * names are inconsistent: "Eastern GSP Group", "NORTHERN", "LE Distribution"...), checked against the GSP Group Id
 * published beside it; when only one of the two gives a code it is used, and the other is reported; when they
 * disagree neither is used. An unmapped name, a flag or number that is not one, and an unknown ID prefix are
 * warnings: the value is left out, never guessed.
 *
 * GC and DC are published in MW and kept in kW, exactly, with their sign: DC is negative (demand) in 2,093 rows.
 *
 * Left out: the loss factor (TLF), the credit-assessment figures (WDCALF, NWDCALF, SECALF, WDBMCAIC, NWDBMCAIC,
 * WDBMCAEC, NWDBMCAEC) and flags (Manual Credit Qualifying Flag, Credit Qualifying Status), the Exempt Export and
 * Base TU flags and the Trading Unit Name: they are settlement and credit parameters, not what identifies or
 * locates a unit. The BMU fuel-type list (the data README's file 5) is its own kind, `bmu-fuel-types`
 * (bmuFuelTypeImporter.ts), linked to these units by IRI: joined here, its values would claim this report as their source.
 */
export class BmUnitImporter implements SourceImporter {
  readonly kind = 'bm-units';
  readonly headerColumns = [BM_UNIT_COLUMNS.bmUnitId, BM_UNIT_COLUMNS.partyId, BM_UNIT_COLUMNS.gspGroupName];
  readonly source = {
    title: 'Elexon BM Units Registered with Central Registration Agency',
    publisher: 'Elexon Limited',
    licence: 'https://www.elexon.co.uk/data/balancing-mechanism-reporting-agent/copyright-licence-bmrs-data/',
    attribution: 'Contains BMRS data © Elexon Limited copyright and database right 2022',
    dataset: 'Elexon BMRS report "BM Units Registered with Central Registration Agency" (Registered BM Units)',
  };
  private gspGroupCodes = new Map<string, string>();

  constructor(private readonly options: BmUnitImporterOptions) {}

  begin(): void {
    if (!this.options.vocabulary.schemes().includes(ELEXON_GSP_GROUP_SCHEME)) throw new Error(`the source vocabularies lack ${ELEXON_GSP_GROUP_SCHEME}: load them with ${ELEXON_GSP_GROUPS_FILE}`);
    this.gspGroupCodes = new Map(this.options.model.scheme(`${FMAR_CODE}GSPGroup`).concepts.map((c) => [c.notation, c.iri]));
  }

  mapRow(row: TabularRow, context: ImportContext): RowMapping {
    const warnings: RowProblem[] = [];
    const errors: RowProblem[] = [];
    const cell = (column: string) => row.value(column);
    const id = cell(BM_UNIT_COLUMNS.bmUnitId);
    if (!id) {
      errors.push({ reason: 'no-bm-unit-id', column: BM_UNIT_COLUMNS.bmUnitId, message: 'the row gives no BM Unit ID' });
      return { entities: [], warnings, errors };
    }
    if (!/^[A-Z0-9_-]{1,20}$/.test(id)) warnings.push({ reason: 'unusual-bm-unit-id', column: BM_UNIT_COLUMNS.bmUnitId, value: id, message: 'not of the form of a BM Unit ID (capitals, digits, _ and -, at most 20): no market unit can name it in its bmUnitId' });

    const iri = bmUnitIri(context.baseIri, id);
    const s = namedNode(iri);
    const g = s;
    const out: Quad[] = [];
    const add = (p: string, o: Quad['object']) => out.push(quad(s, namedNode(`${FMAR}${p}`), o, g));
    const text = (p: string, column: string) => {
      const value = cell(column);
      if (value !== undefined) add(p, literal(value));
    };
    out.push(quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}BmUnit`), g));
    add('sourceKey', literal(id));
    add('bmuId', literal(id));
    text('bmuName', BM_UNIT_COLUMNS.bmuName);
    text('bmuNgcName', BM_UNIT_COLUMNS.ngcBmuName);
    text('bmuType', BM_UNIT_COLUMNS.bmuType);
    const prefix = BM_UNIT_PREFIXES.find((p) => id.startsWith(p));
    if (prefix) add('bmuKind', literal(prefix));
    else warnings.push({ reason: 'unknown-bm-unit-prefix', column: BM_UNIT_COLUMNS.bmUnitId, value: id, message: `the ID starts with none of the BM unit prefixes ${BM_UNIT_PREFIXES.join(', ')}: its kind is left out` });

    const entities: ImportedEntity[] = [{ iri, key: id, quads: out, label: `BM unit ${id}` }];
    const partyId = cell(BM_UNIT_COLUMNS.partyId);
    const partyName = cell(BM_UNIT_COLUMNS.partyName);
    if (partyId && partyName) {
      const party = referencePartyEntity(context.baseIri, partyName, 'BSC lead party', { scheme: 'elexonPartyId', value: partyId })!;
      add('bmuLeadParty', namedNode(party.iri));
      entities.push(party);
    } else if (partyId || partyName) {
      warnings.push({ reason: 'incomplete-lead-party', column: partyId ? BM_UNIT_COLUMNS.partyName : BM_UNIT_COLUMNS.partyId, value: partyId ?? partyName, message: 'the row gives the lead party\'s ID or name but not both: no lead party is linked' });
    } else {
      warnings.push({ reason: 'no-lead-party', column: BM_UNIT_COLUMNS.partyId, message: 'the row names no lead party' });
    }

    const gspGroupName = cell(BM_UNIT_COLUMNS.gspGroupName);
    if (gspGroupName) add('bmuGspGroupName', literal(gspGroupName));
    const gspGroup = this.gspGroup(gspGroupName, cell(BM_UNIT_COLUMNS.gspGroupId), warnings);
    if (gspGroup) add('inGspGroup', namedNode(gspGroup));

    for (const [property, column] of [['bmuProdConsFlag', BM_UNIT_COLUMNS.prodConsFlag], ['bmuProdConsStatus', BM_UNIT_COLUMNS.prodConsStatus]] as const) {
      const value = cell(column);
      if (value === undefined) continue;
      if (value === 'P' || value === 'C') add(property, literal(value));
      else warnings.push({ reason: 'bad-flag', column, value, message: 'not P (production) or C (consumption)' });
    }
    const gc = this.kilowatts(row, BM_UNIT_COLUMNS.generationCapacity, warnings);
    if (gc !== undefined) add('bmuGenerationCapacity', decimal(gc));
    const dc = this.kilowatts(row, BM_UNIT_COLUMNS.demandCapacity, warnings);
    if (dc !== undefined) add('bmuDemandCapacity', decimal(dc));
    const fpn = parseYesNo(row.cell(BM_UNIT_COLUMNS.fpnFlag));
    if ('value' in fpn) add('bmuFpnFlag', literal(String(fpn.value), namedNode(`${XSD}boolean`)));
    else if ('problem' in fpn) warnings.push({ reason: 'bad-flag', column: BM_UNIT_COLUMNS.fpnFlag, value: row.cell(BM_UNIT_COLUMNS.fpnFlag), message: fpn.problem });
    text('bmuInterconnectorId', BM_UNIT_COLUMNS.interconnectorId);
    const effective = parseDate(row.cell(BM_UNIT_COLUMNS.effectiveFrom));
    if ('value' in effective) add('bmuEffectiveFrom', literal(effective.value, namedNode(`${XSD}date`)));
    else if ('problem' in effective) warnings.push({ reason: 'bad-date', column: BM_UNIT_COLUMNS.effectiveFrom, value: row.cell(BM_UNIT_COLUMNS.effectiveFrom), message: effective.problem });

    return { entities, warnings, errors };
  }

  /**
   * The GSPGroup code IRI of a row: what the published name maps to (SKOS, data/mappings/elexon-gsp-groups.ttl) and
   * the published GSP Group Id agree on; what one of them gives when the other gives nothing usable (reported);
   * none when they disagree.
   */
  private gspGroup(name: string | undefined, id: string | undefined, warnings: RowProblem[]): string | undefined {
    let byId: string | undefined;
    if (id !== undefined) {
      if (this.gspGroupCodes.has(id)) byId = id;
      else warnings.push({ reason: 'unknown-gsp-group-id', column: BM_UNIT_COLUMNS.gspGroupId, value: id, message: 'not a GSP group id of the FMAR GSPGroup code list (_A to _P)' });
    }
    const mapped = this.options.vocabulary.map(ELEXON_GSP_GROUP_SCHEME, name);
    let byName: string | undefined;
    if (mapped && 'unmapped' in mapped) {
      warnings.push({ reason: 'unmapped-value', column: BM_UNIT_COLUMNS.gspGroupName, value: name, message: `no concept of the Elexon GSP group names (${ELEXON_GSP_GROUPS_FILE}) has this label${byId ? `; the GSP Group Id ${byId} gives the group` : ''}` });
    } else if (mapped) {
      byName = mapped.codes.GSPGroup;
      if (!byName) warnings.push({ reason: 'unmapped-value', column: BM_UNIT_COLUMNS.gspGroupName, value: name, message: `the concept ${mapped.concept} maps to no GSPGroup code` });
    }
    if (byName && byId && byName !== byId) {
      warnings.push({ reason: 'gsp-group-conflict', column: BM_UNIT_COLUMNS.gspGroupId, value: id, message: `the GSP Group Name "${name}" is group ${byName} but the GSP Group Id is ${byId}: no GSP group is recorded` });
      return undefined;
    }
    const code = byName ?? byId;
    return code === undefined ? undefined : this.gspGroupCodes.get(code);
  }

  /**
   * A capacity column in MW as kW text, exact, keeping its sign (DC is negative): megawattsToKilowatts converts the
   * magnitude. A value that is not a number is a warning, not a guess.
   */
  private kilowatts(row: TabularRow, column: string, warnings: RowProblem[]): string | undefined {
    const published = row.cell(column);
    const megawatts: Parsed<string> = parseDecimal(published);
    if ('problem' in megawatts) warnings.push({ reason: 'bad-capacity', column, value: published, message: megawatts.problem });
    if (!('value' in megawatts)) return undefined;
    const negative = megawatts.value.startsWith('-');
    const kilowatts = megawattsToKilowatts(negative ? megawatts.value.slice(1) : megawatts.value);
    if (!('value' in kilowatts)) return undefined;
    return negative ? `-${kilowatts.value}` : kilowatts.value;
  }
}

function decimal(value: string) {
  return literal(value, namedNode(`${XSD}decimal`));
}
