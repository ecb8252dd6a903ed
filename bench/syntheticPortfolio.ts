/**
 * A synthetic GB asset portfolio that follows the real distributions in ../shared/data/gb/ (issue #5):
 * - GSP group (and so DNO licence area and MPAN distributor id) weighted by Elexon BM units per group;
 * - FSP portfolio sizes weighted by the flexible units per provider in UKPN's flexibility dispatches;
 * - battery and solar capacities sampled from the UKPN Embedded Capacity Register (MW -> kW);
 * - the category mix of a consumer-led future (EV chargers and heat pumps dominate), stated below.
 * Records are written as the registry writes them (record graphs split by sensitivity, one PROV activity
 * each), as N-Quads text, deterministically from a seed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { v7 as uuidv7 } from 'uuid';

const FMAR = 'https://w3id.org/fmar/ontology#';
const CODE = 'https://w3id.org/fmar/ontology/code/';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const PROV = 'http://www.w3.org/ns/prov#';

/** Stated assumption: the share of each category in a portfolio of consumer-led flexibility. */
export const CATEGORY_MIX: [string, number][] = [['EV_CHARGER', 0.6], ['HEAT_PUMP', 0.25], ['BESS', 0.1], ['SOLAR_PV', 0.05]];

export interface PortfolioSources {
  gspGroups: { id: string; distributor: string; dno: string; weight: number }[];
  fspWeights: { name: string; weight: number }[];
  bessKw: number[];
  solarKw: number[];
}

export async function readPortfolioSources(sharedDir: string, rootDir: string): Promise<PortfolioSources> {
  const gb = (f: string) => readFile(join(sharedDir, 'data/gb', f), 'utf8');
  const derived = parse(await gb('gsp_groups_derived.csv'), { columns: true, bom: true }) as Record<string, string>[];
  const reference = parse(await readFile(join(rootDir, 'data/reference/gsp-groups.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const gspGroups = reference.map((r) => ({ id: r.gsp_group_id, distributor: r.mpan_distributor_id, dno: r.dno_code, weight: Number(derived.find((d) => d.gsp_group_id === r.gsp_group_id)?.bm_units_in_group_2022 ?? 1) }));
  const dispatches = parse(await gb('ukpn_flexibility_dispatches_ev_subset.csv'), { columns: true, bom: true }) as Record<string, string>[];
  const units = new Map<string, Set<string>>();
  for (const d of dispatches) (units.get(d.company_name) ?? units.set(d.company_name, new Set()).get(d.company_name)!).add(d.fu_id);
  const fspWeights = [...units].map(([name, set]) => ({ name, weight: set.size })).sort((a, b) => a.name.localeCompare(b.name));
  const ecr = parse(await gb('ukpn_ecr_1mw_plus_2025-08.csv'), { columns: true, bom: true, relax_column_count: true }) as Record<string, string>[];
  const capacityKey = Object.keys(ecr[0]).find((k) => k.includes('Technology 1 - R'))!;
  const kw = (pred: (r: Record<string, string>) => boolean) => ecr.filter(pred).map((r) => Math.round(Number(r[capacityKey]) * 1000 * 100) / 100).filter((v) => v > 0);
  return { gspGroups, fspWeights, bessKw: kw((r) => /Storage/.test(r['Energy Conversion Technology 1'])), solarKw: kw((r) => r['Energy Source 1'].trim() === 'Solar') };
}

/** mulberry32: a small deterministic PRNG, so every run generates the same portfolio. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T extends { weight: number }>(items: T[], random: () => number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const item of items) if ((r -= item.weight) < 0) return item;
  return items[items.length - 1];
}

/** One asset's category, GSP group, FSP and capacity, drawn from the real distributions (four draws, in order). */
function drawAsset<F extends { weight: number }>(sources: PortfolioSources, fsps: F[], random: () => number): { category: string; gsp: PortfolioSources['gspGroups'][number]; fsp: F; kw: number } {
  const category = weighted(CATEGORY_MIX.map(([c, weight]) => ({ c, weight })), random).c;
  const gsp = weighted(sources.gspGroups, random);
  const fsp = weighted(fsps, random);
  const kw = category === 'EV_CHARGER' ? (random() < 0.85 ? 7 : 22) : category === 'HEAT_PUMP' ? Math.round((4 + random() * 10) * 100) / 100
    : category === 'BESS' ? sources.bessKw[Math.floor(random() * sources.bessKw.length)] : sources.solarKw[Math.floor(random() * sources.solarKw.length)];
  return { category, gsp, fsp, kw };
}

export interface GeneratedAsset {
  id: string;
  iri: string;
  fsp: string;
  category: string;
  importMPAN?: string;
  nquads: string;
}

export interface PortfolioOptions {
  /**
   * Also group assets into market units, as FSPs aggregate domestic flexibility: each FSP gets one service
   * providing group per GSP group it has assets in, and every EV charger and heat pump joins its FSP's group for
   * that GSP group through a membership record (valid from the registration day, open-ended). Stated
   * assumption; batteries and solar stay outside units.
   */
  marketUnits?: boolean;
}

/** A market unit of the generated portfolio, with its N-Quads. */
export interface GeneratedUnit {
  unit: string;
  fsp: string;
  nquads: string;
}

/** Yields assets (and first, one organisation per FSP of the dispatch data) as registry-shaped N-Quads. */
export function* generatePortfolio(sources: PortfolioSources, base: string, count: number, seed = 42, options: PortfolioOptions = {}): Generator<GeneratedAsset | GeneratedUnit | { organisation: string; nquads: string }> {
  const random = seededRandom(seed);
  const fsps = sources.fspWeights.map((f, i) => ({ ...f, iri: `${base}organisations/00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
  for (const f of fsps) {
    yield { organisation: f.iri, nquads: `<${f.iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${FMAR}Organisation> <${f.iri}> .\n<${f.iri}> <${FMAR}organisationLegalName> ${JSON.stringify(f.name)} <${f.iri}> .\n` };
  }
  const day = '2026-11-27';
  const units = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const { category, gsp, fsp, kw } = drawAsset(sources, fsps, random);
    const id = uuidv7({ msecs: Date.UTC(2026, 10, 27) + i, random: Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256)) });
    const iri = `${base}assets/${id}`;
    const mpan = () => gsp.distributor + String(Math.floor(random() * 1e11)).padStart(11, '0');
    const importMPAN = category === 'SOLAR_PV' ? undefined : mpan();
    const exportMPAN = category === 'SOLAR_PV' || category === 'BESS' ? mpan() : undefined;
    const source = { BESS: 'GRID', SOLAR_PV: 'SOLAR' }[category as 'BESS'];
    const tech = { EV_CHARGER: 'EV', HEAT_PUMP: 'HEAT_PUMP' }[category as 'EV_CHARGER'];
    const pub = `<${iri}>`;
    const personal = `<${iri}#personal>`;
    const lit = (v: string | number, dt?: string) => `${JSON.stringify(String(v))}${dt ? `^^<${XSD}${dt}>` : ''}`;
    const t = (p: string, o: string, g = pub) => `<${iri}> <${FMAR}${p}> ${o} ${g} .\n`;
    let nquads = `<${iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${FMAR}Asset> ${pub} .\n`;
    nquads += t('assetId', lit(id)) + t('assetName', lit(`${category} ${i}`)) + t('assetCategory', `<${CODE}AssetCategory/${category}>`) + t('ratedCapacity', lit(kw, 'decimal'));
    nquads += t('effectiveDate', lit(day, 'date')) + t('connectionStatus', `<${CODE}ConnectionStatus/CONNECTED>`) + t('commissioningDate', lit('2025-01-01', 'date')) + t('connectionType', `<${CODE}ConnectionType/FIRM>`);
    nquads += t('dnoConnection', `<${CODE}DNOCode/${gsp.dno}>`) + t('gspGroup', `<${CODE}GSPGroup/${gsp.id}>`) + t('responsibleFSP', `<${fsp.iri}>`) + t('assetRegistrationStatus', `<${CODE}AssetRegistrationStatus/VERIFIED>`);
    nquads += t('registeredOn', lit(day, 'date')) + t('lastUpdatedOn', lit(day, 'date')) + t('recordVersion', lit(1, 'integer'));
    if (source) nquads += t('energySource', `<${CODE}EnergySource/${source}>`);
    if (tech) nquads += t('demandTechType', `<${CODE}DemandTechType/${tech}>`);
    if (importMPAN) nquads += t('importMPAN', lit(importMPAN), personal);
    if (exportMPAN) nquads += t('exportMPAN', lit(exportMPAN), personal);
    const act = `<${base}activities/${id}>`;
    const version = `<${iri}/versions/1>`;
    nquads += `${act} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${PROV}Activity> ${act} .\n${act} <${FMAR}useCase> "UC-02.02" ${act} .\n${act} <${PROV}wasAssociatedWith> <${fsp.iri}> ${act} .\n`;
    nquads += `${act} <${PROV}startedAtTime> ${lit(`${day}T00:00:00Z`, 'dateTime')} ${act} .\n${act} <${PROV}generated> ${version} ${act} .\n${version} <${PROV}specializationOf> <${iri}> ${act} .\n${version} <${FMAR}recordVersion> ${lit(1, 'integer')} ${act} .\n`;
    if (options.marketUnits && (category === 'EV_CHARGER' || category === 'HEAT_PUMP')) {
      const unitKey = `${fsp.iri} ${gsp.id}`;
      let unit = units.get(unitKey);
      if (!unit) {
        const unitId = `SPG-${fsps.indexOf(fsp)}-${gsp.id.replace('_', '')}`;
        unit = `${base}market-units/${unitId}`;
        units.set(unitKey, unit);
        const u = (p: string, o: string) => `<${unit}> <${FMAR}${p}> ${o} <${unit}> .\n`;
        yield {
          unit,
          fsp: fsp.iri,
          nquads: `<${unit}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${FMAR}ServiceProvidingGroup> <${unit}> .\n${u('marketUnitId', lit(unitId))}${u('marketUnitName', lit(`${fsp.name} ${gsp.id} aggregation`))}${u('responsibleFSP', `<${fsp.iri}>`)}${u('marketUnitStatus', `<${CODE}MarketUnitStatus/ACTIVE>`)}`,
        };
      }
      const m = `${base}memberships/${id}`;
      const mt = (p: string, o: string) => `<${m}> <${FMAR}${p}> ${o} <${m}> .\n`;
      nquads += `<${m}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${FMAR}MarketUnitMembership> <${m}> .\n${mt('membershipId', lit(id))}${mt('memberAsset', `<${iri}>`)}${mt('ofMarketUnit', `<${unit}>`)}${mt('validFrom', lit(day, 'date'))}`;
    }
    yield { id, iri, fsp: fsp.iri, category, importMPAN, nquads };
  }
}

/**
 * The same portfolio as request bodies, as an FSP would post them (for the bulk and POST benchmarks):
 * one body per asset, with the FSP (by index into sources.fspWeights) that submits it.
 */
export function* generateAssetBodies(sources: PortfolioSources, count: number, today: string, seed = 42): Generator<{ fsp: number; body: Record<string, unknown> }> {
  const random = seededRandom(seed);
  const fsps = sources.fspWeights.map((f, index) => ({ ...f, index }));
  for (let i = 0; i < count; i++) {
    const { category, gsp, fsp, kw } = drawAsset(sources, fsps, random);
    const mpan = () => gsp.distributor + String(Math.floor(random() * 1e11)).padStart(11, '0');
    const body: Record<string, unknown> = {
      '@type': 'Asset',
      assetName: `${category} ${i}`,
      assetCategory: category,
      ratedCapacity: kw,
      effectiveDate: today,
      connectionStatus: 'CONNECTED',
      commissioningDate: '2025-01-01',
      connectionType: 'FIRM',
      dnoConnection: gsp.dno,
      gspGroup: gsp.id,
    };
    if (category !== 'SOLAR_PV') body.importMPAN = mpan();
    if (category === 'SOLAR_PV' || category === 'BESS') body.exportMPAN = mpan();
    if (category === 'BESS') body.fuelType_EnergySource = 'GRID';
    if (category === 'SOLAR_PV') body.fuelType_EnergySource = 'SOLAR';
    if (category === 'EV_CHARGER') body.fuelType_DemandTechType = 'EV';
    if (category === 'HEAT_PUMP') body.fuelType_DemandTechType = 'HEAT_PUMP';
    yield { fsp: fsp.index, body };
  }
}
