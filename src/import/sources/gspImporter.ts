import { DataFactory, type Quad } from 'n3';
import type { CodeConcept } from '../../ontology/OntologyModel.js';
import type { ModelQueries } from '../../ontology/modelQueries.js';
import { FMAR, FMAR_CODE, RDF, XSD } from '../../rdf/namespaces.js';
import { parseDecimal } from '../cellValues.js';
import type { ImportContext, RowMapping, RowProblem, SourceImporter } from '../SourceImporter.js';
import type { TabularRow } from '../tabularFile.js';

const { namedNode, literal, quad } = DataFactory;

/** The columns of the NG ESO GSP / Gnode lookup the importer reads, as published. */
export const GSP_COLUMNS = {
  gspId: 'gsp_id',
  gspName: 'gsp_name',
  gspLatitude: 'gsp_lat',
  gspLongitude: 'gsp_lon',
  regionId: 'region_id',
  regionName: 'region_name',
  pesId: 'pes_id',
  pesName: 'pes_name',
  gnodeName: 'gnode_name',
  directlyConnected: 'dc_name',
} as const;

/** The columns that describe the GSP itself (not one of its Gnodes): every row of one GSP must give the same values. */
const GSP_LEVEL_COLUMNS = [GSP_COLUMNS.gspName, GSP_COLUMNS.gspLatitude, GSP_COLUMNS.gspLongitude, GSP_COLUMNS.regionId, GSP_COLUMNS.regionName, GSP_COLUMNS.pesId, GSP_COLUMNS.pesName];

export interface GspImporterOptions {
  model: ModelQueries;
}

/**
 * National Grid ESO's (now NESO's) GSP / Gnode / region lookup (issue #9, the data README's file 6): one
 * `fmar:GridSupplyPoint` per GSP, in its own graph `{base}reference/gsps/{gsp_id}`, with its name (the GSP identifier,
 * e.g. COWL_1), latitude and longitude, GSP region, and GSP group as an FMAR GSPGroup code.
 *
 * The key. The file is a list of grid nodes (Gnodes), not of GSPs: 380 rows, of which 360 name a GSP, 338 distinct.
 * 19 GSPs have two or three Gnodes, so two or three rows (BRLE_1 at Bramley has three); what those rows say of the
 * GSP (name, coordinates, region, PES) is the same in every one. So the GSP is keyed by gsp_id and is a shared entity
 * (ImportRun merges the rows that name it and records each as a source), not one entity per row, which would make
 * the same GSP two or three records. Should a later row of a GSP give a GSP value that differs from its first row's,
 * the first stands and the later value is a warning (conflicting-gsp-value); none does in the 2018-10 file.
 *
 * The 20 rows without a GSP are Gnodes with no GSP at all (and so no PES either: they are the 20 "rows with no PES"
 * of the data README): transmission-connected sites such as DEESDM and CASK, whose dc_name gives their BM unit. There
 * is no grid supply point to record, so they are rejected (no-gsp), not imported. A GSP row without a PES is imported
 * with a warning (no-gsp-group) and no GSP group.
 *
 * The GSP group is pes_name, which is already an Elexon GSP group id (_A to _P), checked against the GSPGroup code
 * list; pes_id is the distributor id the same group has in MPANs (10 to 23), checked against the code's
 * mpanDistributorId. A pes_name that is no code, or a pes_id that disagrees with it, is a warning and the group is
 * left out.
 *
 * Left out: the Gnodes (ng_id, ggd_id, gnode_id, gnode_name and their coordinates), the directly connected sites
 * (dc_*) and has_pv: they describe the transmission model's nodes and the solar model, not the GSP.
 */
export class GspImporter implements SourceImporter {
  readonly kind = 'gsp';
  readonly headerColumns = [GSP_COLUMNS.gspId, GSP_COLUMNS.gspName, GSP_COLUMNS.pesName];
  readonly source = {
    title: 'National Grid ESO GSP / Gnode / region lookup (GSP regions 20181031)',
    publisher: 'National Grid ESO (now National Energy System Operator, NESO)',
    licence: 'https://www.neso.energy/data-portal/neso-open-licence',
    attribution: 'Supported by National Energy SO Open Data',
    dataset: 'National Grid ESO data portal, GSP regions 20181031 (view_gsp_gnode_all_20181031.csv)',
  };
  private gspGroups = new Map<string, CodeConcept>();
  /** gsp_id -> the GSP-level values of its first row (see the class comment). */
  private readonly firstRowValues = new Map<string, { row: number; values: Map<string, string | undefined> }>();

  constructor(private readonly options: GspImporterOptions) {}

  begin(): void {
    this.gspGroups = new Map(this.options.model.scheme(`${FMAR_CODE}GSPGroup`).concepts.map((c) => [c.notation, c]));
    this.firstRowValues.clear();
  }

  mapRow(row: TabularRow, context: ImportContext): RowMapping {
    const warnings: RowProblem[] = [];
    const errors: RowProblem[] = [];
    const published = (column: string) => row.value(column);
    const id = published(GSP_COLUMNS.gspId);
    if (!id) {
      const gnode = published(GSP_COLUMNS.gnodeName);
      const site = published(GSP_COLUMNS.directlyConnected);
      errors.push({ reason: 'no-gsp', column: GSP_COLUMNS.gspId, message: `the row is a grid node${gnode ? ` (${gnode})` : ''} under no GSP${site ? `, of the directly connected unit ${site}` : ''}: there is no grid supply point to record` });
      return { entities: [], warnings, errors };
    }

    // Each GSP-level value as the first row of this GSP gave it; a later row that differs is reported and left out.
    const first = this.firstRowValues.get(id);
    if (!first) this.firstRowValues.set(id, { row: row.row, values: new Map(GSP_LEVEL_COLUMNS.map((c) => [c, published(c)])) });
    const cell = (column: string) => {
      const value = published(column);
      if (!first || first.values.get(column) === value) return value;
      warnings.push({ reason: 'conflicting-gsp-value', column, value, message: `row ${first.row} gave this GSP ${column} ${JSON.stringify(first.values.get(column) ?? '')}; that value stands` });
      return undefined;
    };

    const iri = `${context.baseIri}reference/gsps/${encodeURIComponent(id)}`;
    const s = namedNode(iri);
    const g = s;
    const out: Quad[] = [];
    const add = (p: string, o: Quad['object']) => out.push(quad(s, namedNode(`${FMAR}${p}`), o, g));
    out.push(quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}GridSupplyPoint`), g));
    add('sourceKey', literal(id));
    add('gspId', literal(id));
    const name = cell(GSP_COLUMNS.gspName);
    if (name) add('gspName', literal(name));
    for (const [property, column, limit] of [['latitude', GSP_COLUMNS.gspLatitude, 90], ['longitude', GSP_COLUMNS.gspLongitude, 180]] as const) {
      const degrees = parseDecimal(cell(column));
      if ('problem' in degrees) warnings.push({ reason: 'bad-coordinate', column, value: row.cell(column), message: degrees.problem });
      else if ('value' in degrees) {
        if (Math.abs(Number(degrees.value)) <= limit) add(property, literal(degrees.value, namedNode(`${XSD}decimal`)));
        else warnings.push({ reason: 'bad-coordinate', column, value: row.cell(column), message: `not a ${property} in degrees (-${limit} to ${limit})` });
      }
    }
    const regionId = cell(GSP_COLUMNS.regionId);
    if (regionId) add('gspRegionId', literal(regionId));
    const regionName = cell(GSP_COLUMNS.regionName);
    if (regionName) add('gspRegionName', literal(regionName));
    const group = this.gspGroup(cell(GSP_COLUMNS.pesName), cell(GSP_COLUMNS.pesId), warnings);
    if (group) add('inGspGroup', namedNode(group.iri));

    return { entities: [{ iri, key: id, quads: out, label: `GSP ${name ?? id}`, shared: true }], warnings, errors };
  }

  /** The GSPGroup code pes_name names, when pes_id (an MPAN distributor id) does not contradict it. */
  private gspGroup(pesName: string | undefined, pesId: string | undefined, warnings: RowProblem[]): CodeConcept | undefined {
    if (!pesName) {
      warnings.push({ reason: 'no-gsp-group', column: GSP_COLUMNS.pesName, message: 'the row gives no PES (GSP group) for the GSP: it is imported without one' });
      return undefined;
    }
    const code = this.gspGroups.get(pesName);
    if (!code) {
      warnings.push({ reason: 'unknown-gsp-group', column: GSP_COLUMNS.pesName, value: pesName, message: 'not a GSP group id of the FMAR GSPGroup code list (_A to _P)' });
      return undefined;
    }
    if (pesId !== undefined && code.mpanDistributorId !== undefined && pesId !== code.mpanDistributorId) {
      warnings.push({ reason: 'gsp-group-conflict', column: GSP_COLUMNS.pesId, value: pesId, message: `GSP group ${pesName} has MPAN distributor id ${code.mpanDistributorId}, not ${pesId}: no GSP group is recorded` });
      return undefined;
    }
    return code;
  }
}
