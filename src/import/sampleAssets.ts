import type { CodeConcept } from '../ontology/OntologyModel.js';
import { dnoCodeOfLicenceArea } from '../domain/authenticity/ecrLicenceArea.js';
import { megawattsToKilowatts, parseDate, parseMpans, parseYesNo } from './cellValues.js';
import { ECR_COLUMNS, ecrTechnologyCodes } from './sources/ecrImporter.js';
import type { TabularFile, TabularRow } from './tabularFile.js';
import type { VocabularyMapping } from './VocabularyMapping.js';

/** One sample asset: where it comes from, its registration body, and which sample FSP registers it. */
export interface SampleAsset {
  source: { file: string; row: number; line: number; customerName?: string };
  body: Record<string, unknown>;
  fsp: number;
}

export interface SampleAssetOptions {
  fileName: string;
  vocabulary: VocabularyMapping;
  dnoCodes: readonly CodeConcept[];
  /** How many sample FSPs the assets are spread over. */
  fsps: number;
  /** At most this many assets per DNO licence area (in file order). */
  perArea: number;
  /** Lines that come first, in this order (the hand-picked assets the docs and tests name). */
  first: number[];
  /** The reference of the ECR entry each line becomes (ecrEntryReferencesByLine). */
  entryReferences: ReadonlyMap<number, string>;
}

/** The categories a newcomer can recognise; other plant (engines, turbines, hydro) stays in the reference data only. */
const CATEGORIES = new Set(['BESS', 'SOLAR_PV', 'WIND_TURBINE', 'CHP']);

/**
 * The sample portfolio of `make run` (issue #9: "a few hundred assets across several DNOs and FSPs"), built from a
 * real Embedded Capacity Register: connected sites with one technology that maps to an FMAR category, a connection
 * date, a DNO licence area and a registered capacity, at most `perArea` per licence area. Each becomes the body an FSP
 * would post to /assets:
 *
 * - the site name as the asset name, written with the characters asset names allow ("&" as "and"; other punctuation
 *   dropped);
 * - the category and energy source the ECR importer reads from the published values (ecrTechnologyCodes); capacity
 *   in kW, exactly;
 * - connected, firm or (Flexible Connection = Yes) non-firm, commissioned on the date connected;
 * - the export MPAN: the cell must hold a valid one that no other selected site has (the register repeats 15), as the
 *   rules ask an MPAN of every generating or storage asset;
 * - `ecrReference`: the reference of the entry `fmar import ecr` makes of the row (UKPN-ECR-{12 hex digits}), so the
 *   authenticity checks cross-check the asset against the register.
 *
 * The FSPs are fictional (data/sample/organisations.json): the register does not say who manages a site's flexibility.
 */
export function sampleAssetsFromEcr(file: TabularFile, options: SampleAssetOptions): SampleAsset[] {
  const picked: SampleAsset[] = [];
  const perArea = new Map<string, number>();
  const mpans = new Set<string>();
  const byLine = new Map(file.rows.map((r) => [r.line, r]));
  const ordered = [...options.first.map((l) => byLine.get(l)).filter((r): r is TabularRow => r !== undefined), ...file.rows.filter((r) => !options.first.includes(r.line))];
  for (const row of ordered) {
    const asset = sampleAsset(row, options, mpans);
    if (!asset) continue;
    const area = String(asset.body.dnoConnection);
    const taken = perArea.get(area) ?? 0;
    if (taken >= options.perArea && !options.first.includes(row.line)) continue;
    perArea.set(area, taken + 1);
    if (typeof asset.body.exportMPAN === 'string') mpans.add(asset.body.exportMPAN);
    picked.push(asset);
  }
  return picked.map((a, i) => ({ ...a, fsp: i % options.fsps }));
}

function sampleAsset(row: TabularRow, options: SampleAssetOptions, mpansTaken: Set<string>): Omit<SampleAsset, 'fsp'> & { fsp: number } | undefined {
  const cell = (column: string) => row.value(column);
  if (!/^connected$/i.test(cell(ECR_COLUMNS.connectionStatus) ?? '')) return undefined;
  if ([2, 3].some((n) => cell(ECR_COLUMNS.energySource(n)) || cell(ECR_COLUMNS.conversionTechnology(n)))) return undefined;
  const source = cell(ECR_COLUMNS.energySource(1));
  const technology = cell(ECR_COLUMNS.conversionTechnology(1));
  const { assetCategory: category, energySourceCode: energySource } = ecrTechnologyCodes(options.vocabulary, source, technology, row.cell(ECR_COLUMNS.cogeneration(1)));
  if (!category || !CATEGORIES.has(category)) return undefined;
  const capacity = megawattsToKilowatts(row.cell(ECR_COLUMNS.connectedCapacity));
  const connected = parseDate(row.cell(ECR_COLUMNS.dateConnected));
  const area = cell(ECR_COLUMNS.licenceArea);
  const dno = area ? dnoCodeOfLicenceArea(area, options.dnoCodes) : undefined;
  const name = assetNameOf(cell(ECR_COLUMNS.customerSite));
  if (!('value' in capacity) || !('value' in connected) || !dno || !name || !energySource) return undefined;
  const kw = Number(capacity.value);
  if (!(kw > 0) || !/^\d+(\.\d{1,2})?$/.test(capacity.value)) return undefined;
  const flexible = parseYesNo(row.cell(ECR_COLUMNS.flexibleConnection));
  // The rules ask an MPAN of every generating or storage asset (Rule_ExportMPAN_RequiredForGeneration, Rule_BESS_NeedsAnMPAN).
  const mpan = parseMpans(row.cell(ECR_COLUMNS.exportMpan)).mpans.find((m) => !mpansTaken.has(m));
  const ecrReference = options.entryReferences.get(row.line);
  if (!mpan || !ecrReference) return undefined;
  const body: Record<string, unknown> = {
    assetName: name,
    assetCategory: category,
    fuelType_EnergySource: energySource,
    // Rule_OtherDescription_RequiredForOther: the published source says what OTHER is.
    ...(energySource === 'OTHER' && source ? { otherDescription: source.slice(0, 200) } : {}),
    ratedCapacity: kw,
    installedCapacity: kw,
    genCapacity: kw,
    ...(category === 'BESS' ? { demandCapacity: kw } : {}),
    commissioningDate: connected.value,
    connectionStatus: 'CONNECTED',
    connectionType: 'value' in flexible && flexible.value ? 'NON_FIRM' : 'FIRM',
    dnoConnection: dno.notation,
    exportMPAN: mpan,
    ...(technology ? { energyConversionType: technology.slice(0, 100) } : {}),
    ecrReference,
  };
  return { source: { file: options.fileName, row: row.row, line: row.line, ...(cell(ECR_COLUMNS.customerName) ? { customerName: cell(ECR_COLUMNS.customerName) } : {}) }, body, fsp: 0 };
}

/** A site name in the characters asset names allow (asset-attributes.csv, Asset Name: letters, digits, space, _ / ( ) -). */
export function assetNameOf(site: string | undefined): string | undefined {
  const name = (site ?? '')
    .replace(/&/g, ' and ')
    .replace(/[^A-Za-z0-9 _/()-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255)
    .trim();
  return name && /^[A-Za-z0-9_/()-]/.test(name) ? name : undefined;
}
