import type { AssetFacts } from './assetFacts.js';
import type { AuthenticityFinding } from './AuthenticityFinding.js';
import { isEcrKeyReference, type EcrEntry } from './ecrEntries.js';
import type { MpanDistributors } from './mpan.js';

export interface EcrCrossCheckOptions {
  /** How far the declared capacity may be from the register's, as a fraction (0.1 = 10 %). */
  capacityTolerance: number;
  distributors: MpanDistributors;
  checkedAt: Date;
}

/** The default capacity tolerance: 10 % (issue #7). */
export const DEFAULT_CAPACITY_TOLERANCE = 0.1;

/**
 * Cross-checks an asset against the Embedded Capacity Register entry its ecrReference names (UC-02.02 step 4: DNO
 * connection data as a trusted source). One finding per attribute compared, each resting on the entry:
 *
 * - ecrReference: confirmed (the entry exists; the caller reports a reference that names none).
 * - assetCategory: confirmed when it is the category of one of the entry's technologies, a query otherwise.
 * - ratedCapacity (kW) against the capacity of the entry's technologies of that category, and against the site's
 *   registered capacity (the ECR publishes MW): confirmed within the tolerance of either; a query when above the
 *   larger by more than the tolerance (the connection does not allow it); a warning when below (the asset may be
 *   one part of the site).
 * - dnoConnection and gspGroup, where declared: confirmed when they are the entry's licence area (or its GSP group,
 *   the code lists pair them through the MPAN distributor id), a query otherwise.
 * Where the entry or the asset has nothing to compare, the finding is a warning that says so.
 */
export function crossCheckEcr(asset: AssetFacts, entry: EcrEntry, options: EcrCrossCheckOptions): AuthenticityFinding[] {
  const tolerance = options.capacityTolerance;
  if (!(tolerance >= 0 && tolerance < 1)) throw new Error(`the capacity tolerance is a fraction from 0 to below 1, not ${tolerance}`);
  const finding = (attribute: string, check: AuthenticityFinding['check'], outcome: AuthenticityFinding['outcome'], reason: string): AuthenticityFinding => ({ attribute, check, outcome, reason, source: entry.iri, checkedAt: options.checkedAt });
  const named = describeEntry(entry);
  const findings: AuthenticityFinding[] = [finding('ecrReference', 'ECR_REFERENCE', 'confirmed', `ecrReference names ${named}${entry.connectionStatus ? ` (${entry.connectionStatus})` : ''}`)];

  const published = (t: EcrEntry['technologies'][number]) => [t.energySource, t.conversionTechnology].filter(Boolean).join(' / ');
  const categories = [...new Set(entry.technologies.map((t) => t.assetCategory).filter((c): c is string => c !== undefined))];
  const matching = entry.technologies.filter((t) => t.assetCategory !== undefined && t.assetCategory === asset.assetCategory);
  if (!asset.assetCategory) findings.push(finding('assetCategory', 'ECR_TECHNOLOGY', 'warning', 'the asset declares no assetCategory to compare'));
  else if (!categories.length) findings.push(finding('assetCategory', 'ECR_TECHNOLOGY', 'warning', `${named} lists no technology the registry can read`));
  else if (matching.length) findings.push(finding('assetCategory', 'ECR_TECHNOLOGY', 'confirmed', `assetCategory ${asset.assetCategory} is a technology of ${named} (${matching.map(published).join('; ')})`));
  else findings.push(finding('assetCategory', 'ECR_TECHNOLOGY', 'query', `assetCategory ${asset.assetCategory}, but ${named} lists ${categories.join(', ')} (${entry.technologies.map(published).join('; ')})`));

  findings.push(capacityFinding(asset, entry, matching, tolerance, named, finding));

  const entryArea = entry.dnoArea ? options.distributors.byDnoCode(entry.dnoArea) : undefined;
  const declared: [string, string | undefined, string | undefined][] = [
    ['dnoConnection', asset.dnoConnection, entry.dnoArea],
    ['gspGroup', asset.gspGroup, entryArea?.gspGroup],
  ];
  if (!asset.dnoConnection && !asset.gspGroup) findings.push(finding('dnoConnection', 'ECR_LOCATION', 'warning', `the asset declares neither dnoConnection nor gspGroup to compare with the licence area of ${named}`));
  for (const [attribute, value, expected] of declared) {
    if (!value) continue;
    if (!expected) findings.push(finding(attribute, 'ECR_LOCATION', 'warning', `the licence area of ${named} (${entry.licenceArea ?? 'not given'}) names no ${attribute === 'gspGroup' ? 'GSP group' : 'DNO licence area'} of the code lists`));
    else if (value === expected) findings.push(finding(attribute, 'ECR_LOCATION', 'confirmed', `${attribute} ${value} is the licence area of ${named} (${entry.licenceArea})`));
    else findings.push(finding(attribute, 'ECR_LOCATION', 'query', `${attribute} ${value}, but ${named} is in ${expected} (${entry.licenceArea})`));
  }
  return findings;
}

function capacityFinding(
  asset: AssetFacts,
  entry: EcrEntry,
  matching: EcrEntry['technologies'],
  tolerance: number,
  named: string,
  finding: (attribute: string, check: AuthenticityFinding['check'], outcome: AuthenticityFinding['outcome'], reason: string) => AuthenticityFinding,
): AuthenticityFinding {
  const declared = asset.ratedCapacity;
  if (declared === undefined) return finding('ratedCapacity', 'ECR_CAPACITY', 'warning', 'the asset declares no ratedCapacity to compare');
  const technologyCapacities = matching.map((t) => t.capacityKw).filter((c): c is string => c !== undefined).map(Number);
  const candidates: { kw: number; what: string }[] = [];
  if (technologyCapacities.length) candidates.push({ kw: technologyCapacities.reduce((a, b) => a + b, 0), what: `the capacity registered for its ${asset.assetCategory} technology` });
  if (entry.registeredCapacityKw !== undefined) candidates.push({ kw: Number(entry.registeredCapacityKw), what: 'the registered capacity of the site' });
  if (!candidates.length) return finding('ratedCapacity', 'ECR_CAPACITY', 'warning', `${named} gives no capacity to compare`);
  const percent = `${round(tolerance * 100)} %`;
  const describe = (c: { kw: number; what: string }) => `${c.what}, ${round(c.kw)} kW (${round(c.kw / 1000)} MW)`;
  const within = candidates.find((c) => Math.abs(declared - c.kw) <= tolerance * c.kw);
  if (within) return finding('ratedCapacity', 'ECR_CAPACITY', 'confirmed', `ratedCapacity ${round(declared)} kW is within ${percent} of ${describe(within)}, in ${named}`);
  const largest = candidates.reduce((a, b) => (b.kw > a.kw ? b : a));
  if (declared > largest.kw * (1 + tolerance)) {
    return finding('ratedCapacity', 'ECR_CAPACITY', 'query', `ratedCapacity ${round(declared)} kW is more than ${percent} above ${describe(largest)}, in ${named}: the connection does not allow it`);
  }
  return finding('ratedCapacity', 'ECR_CAPACITY', 'warning', `ratedCapacity ${round(declared)} kW is not within ${percent} of ${candidates.map(describe).join(' or ')}, in ${named}: it is below ${largest.what}, so the asset may be one part of the site`);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** How a finding names the entry: its site and the row of the published file it was read from, where known. */
export function describeEntry(entry: EcrEntry): string {
  const reference = entry.references.find(isEcrKeyReference) ?? entry.references[0];
  const where = entry.source ? `, row ${entry.source.row} (line ${entry.source.line}) of the published file` : '';
  return `the Embedded Capacity Register entry ${reference ?? entry.iri}${entry.siteName ? ` (${entry.siteName}${where})` : where ? ` (${where.slice(2)})` : ''}`;
}
