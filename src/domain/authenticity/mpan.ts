import type { ModelQueries } from '../../ontology/modelQueries.js';
import { FMAR_CODE } from '../../rdf/namespaces.js';

/**
 * The MPAN core (requirements §4: 13 digits, leading zeros allowed): its check digit and the licence area its
 * distributor id names.
 *
 * Check digit (Elexon MRA/MPAS rule for the MPAN core): the 13th digit equals the sum of the first twelve digits,
 * each multiplied by the primes 3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43 (11 left out), modulo 11, modulo 10.
 * The algorithm as documented at https://bitbucket.org/tlocke/mpan (the collection formerly on Wikipedia's MPAN
 * page) and implemented by https://github.com/limejump/mpan (mpan/mpan.py, `is_valid`).
 */
const CHECK_DIGIT_PRIMES = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43] as const;
const MPAN_CORE = /^[0-9]{13}$/;

/** Whether the text is a 13-digit MPAN core (requirements §4, asset-attributes.csv: ^\d{13}$). */
export function isMpanCore(text: string): boolean {
  return MPAN_CORE.test(text);
}

/** The check digit the first twelve digits of an MPAN core call for. */
export function expectedCheckDigit(mpanCore: string): number {
  if (!/^[0-9]{12,13}$/.test(mpanCore)) throw new Error('an MPAN core has 13 digits (the check digit is computed from the first 12)');
  const sum = CHECK_DIGIT_PRIMES.reduce((total, prime, i) => total + prime * Number(mpanCore[i]), 0);
  return (sum % 11) % 10;
}

/** Whether a 13-digit MPAN core ends in the check digit its first twelve digits call for. */
export function hasValidCheckDigit(mpanCore: string): boolean {
  return isMpanCore(mpanCore) && Number(mpanCore[12]) === expectedCheckDigit(mpanCore);
}

/** The distributor id: the first two digits of the MPAN core. */
export function distributorIdOf(mpanCore: string): string {
  if (!isMpanCore(mpanCore)) throw new Error('an MPAN core has 13 digits');
  return mpanCore.slice(0, 2);
}

/** A DNO licence area and its GSP group, as the code lists pair them through one MPAN distributor id. */
export interface DistributorArea {
  distributorId: string;
  /** DNOCode notation, e.g. UKPN_EPN. */
  dnoCode: string;
  dnoIri: string;
  dnoLabel: string;
  /** GSPGroup notation, e.g. _A. */
  gspGroup: string;
  gspGroupIri: string;
}

/**
 * Distributor id -> licence area and GSP group, read from the code lists (fmar:mpanDistributorId on the DNOCode and
 * GSPGroup concepts), never from a table of our own. The 14 GB licence areas have ids 10 to 23; other ids (IDNOs)
 * name no licence area of the code lists.
 */
export class MpanDistributors {
  private readonly byDistributor: Map<string, DistributorArea>;

  private constructor(areas: DistributorArea[]) {
    this.byDistributor = new Map(areas.map((a) => [a.distributorId, a]));
  }

  static fromModel(model: ModelQueries): MpanDistributors {
    const dnoCodes = model.scheme(`${FMAR_CODE}DNOCode`).concepts;
    const gspGroups = model.scheme(`${FMAR_CODE}GSPGroup`).concepts;
    const areas: DistributorArea[] = [];
    for (const dno of dnoCodes) {
      const gsp = gspGroups.find((g) => g.mpanDistributorId !== undefined && g.mpanDistributorId === dno.mpanDistributorId);
      if (!dno.mpanDistributorId || !gsp) continue;
      areas.push({ distributorId: dno.mpanDistributorId, dnoCode: dno.notation, dnoIri: dno.iri, dnoLabel: dno.label, gspGroup: gsp.notation, gspGroupIri: gsp.iri });
    }
    return new MpanDistributors(areas);
  }

  /** Every licence area with a distributor id, in distributor id order. */
  areas(): DistributorArea[] {
    return [...this.byDistributor.values()].sort((a, b) => a.distributorId.localeCompare(b.distributorId));
  }

  byDistributorId(distributorId: string): DistributorArea | undefined {
    return this.byDistributor.get(distributorId);
  }

  /** The licence area an MPAN core's distributor id names, if it names one of the code lists. */
  areaOfMpan(mpanCore: string): DistributorArea | undefined {
    return this.byDistributor.get(distributorIdOf(mpanCore));
  }

  /** The licence area of a DNOCode notation (e.g. UKPN_EPN). */
  byDnoCode(dnoCode: string): DistributorArea | undefined {
    return [...this.byDistributor.values()].find((a) => a.dnoCode === dnoCode);
  }

  /** The licence area of a GSPGroup notation (e.g. _A). */
  byGspGroup(gspGroup: string): DistributorArea | undefined {
    return [...this.byDistributor.values()].find((a) => a.gspGroup === gspGroup);
  }
}
