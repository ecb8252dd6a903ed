import type { ModelQueries } from '../../ontology/modelQueries.js';
import { FMAR_CODE } from '../../rdf/namespaces.js';
import type { RegistryStore } from '../../store/RegistryStore.js';
import { assetFacts, type AssetFacts, type AssetVersion } from './assetFacts.js';
import type { AuthenticityFinding, FindingOutcome } from './AuthenticityFinding.js';
import { crossCheckEcr, DEFAULT_CAPACITY_TOLERANCE } from './EcrCrossCheck.js';
import { ecrGraphsPrefix, holdsEcrOf, operatorOfEcrReference, readEcrEntry } from './ecrEntries.js';
import { findDuplicateAssets } from './duplicateAssets.js';
import { friendlyCodeUsers } from './friendlyCodeUsers.js';
import { distributorIdOf, expectedCheckDigit, hasValidCheckDigit, isMpanCore, MpanDistributors } from './mpan.js';
import { registrationStatusOf, type CheckedRegistrationStatus } from './registrationStatus.js';
import type { VerificationOutcome, VerificationRequest, VerificationResponse, Verifier } from './Verifier.js';

export interface AuthenticityChecksArgs {
  /** The store the asset was registered in: duplicates, friendly codes and ECR entries (imported by `fmar import ecr`) are read from it. */
  store: Pick<RegistryStore, 'query' | 'readGraph'>;
  model: ModelQueries;
  baseIri: string;
  /** External sources, each sent the requests of the subjects it verifies. Default: none. */
  verifiers?: readonly Verifier[];
  /** Fraction by which the declared capacity may differ from the ECR's (default 0.1). */
  capacityTolerance?: number;
  /** A verifier that has not answered after this long is taken as unavailable (default 10 s). */
  verifierTimeoutMs?: number;
  now?: () => Date;
}

export interface AuthenticityResult {
  asset: string;
  /** The version checked. */
  version: number;
  startedAt: Date;
  endedAt: Date;
  findings: AuthenticityFinding[];
  status: CheckedRegistrationStatus;
  /** Every source the findings rest on, once each, in order of first use. */
  sources: string[];
}

/**
 * The automatic authenticity checks of UC-02.02 step 4, run once a registration (or a change, UC-02.04) has been
 * stored: "automatic checks against trusted external sources ... keyed on MPAN, serial number", then step 5 sets
 * the status from them (registrationStatus.ts says which findings make QUERY, PENDING_VALIDATION or VERIFIED). Steps
 * are numbered as in the requirements digest (§8: 3 creates the record Pending Validation, 4 checks authenticity);
 * issue #7 calls the checks "step 3".
 *
 * Per attribute, each check gives a finding:
 * - importMPAN / exportMPAN: the check digit (a query when wrong) and the distributor id against the declared
 *   dnoConnection and gspGroup (a warning when they differ: "soft check; warn if mismatch", asset-attributes.csv);
 * - importMPAN / exportMPAN / serialNumber: duplicates across organisations (findDuplicateAssets), a query unless the
 *   asset carries a duplicateJustification, then a warning ("warn and require justification (allow override)");
 * - friendlyCode: unique among the responsible FSP's assets (requirements §4), a query when not;
 * - ecrReference: the Embedded Capacity Register cross-check (EcrCrossCheck) when the reference names an entry;
 * - each configured Verifier for the MPANs (gspGroup expected) and the serial number (manufacturer, assetModel).
 * Nothing is written: `authenticityCheckQuads` turns the result into the check's activity graph.
 */
export class AuthenticityChecks {
  private readonly distributors: MpanDistributors;
  private readonly now: () => Date;

  constructor(private readonly args: AuthenticityChecksArgs) {
    this.distributors = MpanDistributors.fromModel(args.model);
    this.now = args.now ?? (() => new Date());
    const tolerance = args.capacityTolerance ?? DEFAULT_CAPACITY_TOLERANCE;
    if (!(tolerance >= 0 && tolerance < 1)) throw new Error(`the capacity tolerance is a fraction from 0 to below 1, not ${tolerance}`);
  }

  async check(asset: AssetVersion): Promise<AuthenticityResult> {
    const startedAt = this.now();
    const facts = assetFacts(asset);
    const groups = await Promise.all([
      Promise.resolve(this.mpanFindings(facts)),
      this.duplicateFindings(facts),
      this.friendlyCodeFindings(facts),
      this.ecrFindings(facts),
      this.verifierFindings(facts),
    ]);
    const findings = groups.flat();
    return { asset: asset.iri, version: asset.version, startedAt, endedAt: this.now(), findings, status: registrationStatusOf(findings), sources: [...new Set(findings.map((f) => f.source))] };
  }

  /** Check digit and distributor id of each MPAN (requirements §4; asset-attributes.csv, Import/Export MPAN). */
  private mpanFindings(facts: AssetFacts): AuthenticityFinding[] {
    const findings: AuthenticityFinding[] = [];
    const checkedAt = this.now();
    for (const attribute of ['importMPAN', 'exportMPAN'] as const) {
      const mpan = facts[attribute];
      if (mpan === undefined) continue;
      const digitRule = `${FMAR_CODE}AuthenticityCheckType/MPAN_CHECK_DIGIT`;
      if (!isMpanCore(mpan)) {
        findings.push({ attribute, check: 'MPAN_CHECK_DIGIT', outcome: 'query', reason: `${attribute} is not a 13-digit MPAN core`, source: digitRule, checkedAt });
        continue;
      }
      // Elexon MRA/MPAS check digit rule (mpan.ts): a wrong digit is an MPAN that cannot exist (UC-02.02: invalid MPAN).
      findings.push(hasValidCheckDigit(mpan)
        ? { attribute, check: 'MPAN_CHECK_DIGIT', outcome: 'confirmed', reason: `the check digit of ${attribute} is right`, source: digitRule, checkedAt }
        : { attribute, check: 'MPAN_CHECK_DIGIT', outcome: 'query', reason: `the check digit of ${attribute} (its last digit) is ${mpan[12]}, but its first twelve digits call for ${expectedCheckDigit(mpan)}: the MPAN is mistyped or not a real one`, source: digitRule, checkedAt });

      // asset-attributes.csv, Import/Export MPAN: "DNO code derived from MPAN should match (soft check; warn if mismatch)".
      const distributorId = distributorIdOf(mpan);
      const area = this.distributors.areaOfMpan(mpan);
      const dnoScheme = `${FMAR_CODE}DNOCode`;
      if (!area) {
        findings.push({ attribute, check: 'MPAN_DISTRIBUTOR', outcome: 'warning', reason: `the distributor id of ${attribute}, ${distributorId}, is none of the DNO licence areas of the code lists (an IDNO's, or not a distributor id): its area cannot be compared with dnoConnection or gspGroup`, source: dnoScheme, checkedAt });
        continue;
      }
      if (!facts.dnoConnection && !facts.gspGroup) {
        findings.push({ attribute, check: 'MPAN_DISTRIBUTOR', outcome: 'warning', reason: `the distributor id of ${attribute}, ${distributorId}, names ${area.dnoCode} (GSP group ${area.gspGroup}), but the asset declares neither dnoConnection nor gspGroup to compare`, source: dnoScheme, checkedAt });
      }
      if (facts.dnoConnection) {
        findings.push(facts.dnoConnection === area.dnoCode
          ? { attribute, check: 'MPAN_DISTRIBUTOR', outcome: 'confirmed', reason: `the distributor id of ${attribute}, ${distributorId}, names dnoConnection ${area.dnoCode}`, source: dnoScheme, checkedAt }
          : { attribute, check: 'MPAN_DISTRIBUTOR', outcome: 'warning', reason: `the distributor id of ${attribute}, ${distributorId}, names ${area.dnoCode}, not dnoConnection ${facts.dnoConnection}`, source: dnoScheme, checkedAt });
      }
      if (facts.gspGroup) {
        const gspScheme = `${FMAR_CODE}GSPGroup`;
        findings.push(facts.gspGroup === area.gspGroup
          ? { attribute, check: 'MPAN_DISTRIBUTOR', outcome: 'confirmed', reason: `the distributor id of ${attribute}, ${distributorId}, names gspGroup ${area.gspGroup}`, source: gspScheme, checkedAt }
          : { attribute, check: 'MPAN_DISTRIBUTOR', outcome: 'warning', reason: `the distributor id of ${attribute}, ${distributorId}, names GSP group ${area.gspGroup}, not gspGroup ${facts.gspGroup}`, source: gspScheme, checkedAt });
      }
    }
    return findings;
  }

  /** Duplicates across organisations (asset-attributes.csv, Import/Export MPAN, Duplicates; UC-02.02 de-duplication). */
  private async duplicateFindings(facts: AssetFacts): Promise<AuthenticityFinding[]> {
    const identifiers = (['importMPAN', 'exportMPAN', 'serialNumber'] as const).filter((a) => facts[a] !== undefined);
    if (!identifiers.length) return [];
    const duplicates = await findDuplicateAssets(this.args.store, this.args.baseIri, facts);
    const checkedAt = this.now();
    const source = `${this.args.baseIri}assets/`;
    const justified = Boolean(facts.duplicateJustification?.trim());
    return identifiers.map((attribute): AuthenticityFinding => {
      const others = duplicates.filter((d) => d.sharedAttributes.includes(attribute)).map((d) => d.asset);
      const what = attribute === 'serialNumber' ? `${attribute} (with the same manufacturer)` : attribute;
      if (!others.length) return { attribute, check: 'DUPLICATE_IDENTIFIER', outcome: 'confirmed', reason: `no asset of another organisation holds this ${what}`, source, checkedAt };
      const held = `${others.length} asset${others.length === 1 ? '' : 's'} of another organisation already hold${others.length === 1 ? 's' : ''} this ${what}`;
      return justified
        ? { attribute, check: 'DUPLICATE_IDENTIFIER', outcome: 'warning', reason: `${held}; the provider's duplicateJustification allows it`, source, checkedAt, conflictingRecords: others }
        : { attribute, check: 'DUPLICATE_IDENTIFIER', outcome: 'query', reason: `${held}: give a duplicateJustification, or correct the ${attribute}`, source, checkedAt, conflictingRecords: others };
    });
  }

  /** requirements §4: the friendly code is unique within the responsible organisation. */
  private async friendlyCodeFindings(facts: AssetFacts): Promise<AuthenticityFinding[]> {
    if (facts.friendlyCode === undefined) return [];
    const source = `${this.args.baseIri}assets/`;
    if (facts.responsibleFSP === undefined) return [{ attribute: 'friendlyCode', check: 'FRIENDLY_CODE_UNIQUE', outcome: 'warning', reason: 'the asset has no responsible FSP, so the uniqueness of its friendlyCode cannot be checked', source, checkedAt: this.now() }];
    const users = await friendlyCodeUsers(this.args.store, this.args.baseIri, facts);
    const checkedAt = this.now();
    if (!users.length) return [{ attribute: 'friendlyCode', check: 'FRIENDLY_CODE_UNIQUE', outcome: 'confirmed', reason: 'no other asset of the responsible FSP uses this friendlyCode', source, checkedAt }];
    return [{ attribute: 'friendlyCode', check: 'FRIENDLY_CODE_UNIQUE', outcome: 'query', reason: `${users.length} other asset${users.length === 1 ? '' : 's'} of the responsible FSP already use${users.length === 1 ? 's' : ''} this friendlyCode (compared without regard to case): choose another`, source, checkedAt, conflictingRecords: users }];
  }

  /** The Embedded Capacity Register entry the ecrReference names (UC-02.02 step 4: DNO connection data). */
  private async ecrFindings(facts: AssetFacts): Promise<AuthenticityFinding[]> {
    if (facts.ecrReference === undefined) return [];
    const { store, baseIri } = this.args;
    const entry = await readEcrEntry(store, baseIri, facts.ecrReference);
    const checkedAt = this.now();
    if (entry) return crossCheckEcr(facts, entry, { capacityTolerance: this.args.capacityTolerance ?? DEFAULT_CAPACITY_TOLERANCE, distributors: this.distributors, checkedAt });
    const operator = operatorOfEcrReference(facts.ecrReference);
    if (operator && (await holdsEcrOf(store, baseIri, operator))) {
      return [{ attribute: 'ecrReference', check: 'ECR_REFERENCE', outcome: 'query', reason: `ecrReference names no entry of the ${operator} Embedded Capacity Register the registry holds: its entries answer to ${operator}-ECR-{12 hex digits} (docs/import/ecr.md) or to the register's own Reference`, source: `${ecrGraphsPrefix(baseIri)}${operator.toLowerCase()}/`, checkedAt }];
    }
    return [{ attribute: 'ecrReference', check: 'ECR_REFERENCE', outcome: 'warning', reason: `${operator ? `the registry holds no Embedded Capacity Register of ${operator}` : 'no Embedded Capacity Register entry has this reference, and it names no operator (OPERATOR-ECR-…)'}: not checked (an administrator imports a register with fmar import ecr)`, source: ecrGraphsPrefix(baseIri), checkedAt }];
  }

  /** Each configured external source, for the subjects it verifies (UC-02.02 step 4: MPAS or ECOES, OEM registries). */
  private async verifierFindings(facts: AssetFacts): Promise<AuthenticityFinding[]> {
    const verifiers = this.args.verifiers ?? [];
    if (!verifiers.length) return [];
    const gspGroup = facts.gspGroup ?? (facts.dnoConnection ? this.distributors.byDnoCode(facts.dnoConnection)?.gspGroup : undefined);
    const requests: { attribute: string; request: VerificationRequest }[] = [];
    for (const attribute of ['importMPAN', 'exportMPAN'] as const) {
      const mpan = facts[attribute];
      if (mpan !== undefined) requests.push({ attribute, request: { subject: 'mpan', identifier: mpan, expected: gspGroup ? { gspGroup } : undefined } });
    }
    if (facts.serialNumber !== undefined) {
      const expected = Object.fromEntries(Object.entries({ manufacturer: facts.manufacturer, assetModel: facts.assetModel }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      requests.push({ attribute: 'serialNumber', request: { subject: 'serial-number', identifier: facts.serialNumber, expected } });
    }
    const calls = verifiers.flatMap((verifier) => requests.filter((r) => verifier.subjects.includes(r.request.subject)).map(async ({ attribute, request }): Promise<AuthenticityFinding> => {
      const response = await this.ask(verifier, request);
      return { attribute, check: 'EXTERNAL_VERIFIER', outcome: FINDING_OF[response.outcome], reason: response.detail, source: response.source, checkedAt: response.checkedAt, ...(response.outcome === 'unavailable' ? { inconclusive: true } : {}) };
    }));
    return Promise.all(calls);
  }

  /** A verifier that fails or does not answer in time is unavailable: the check is inconclusive, not failed. */
  private async ask(verifier: Verifier, request: VerificationRequest): Promise<VerificationResponse> {
    const timeoutMs = this.args.verifierTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<VerificationResponse>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'unavailable', source: verifier.source, detail: `${verifier.source} did not answer within ${timeoutMs} ms`, checkedAt: this.now() }), timeoutMs);
    });
    try {
      return await Promise.race([verifier.verify(request), timeout]);
    } catch (error) {
      return { outcome: 'unavailable', source: verifier.source, detail: `${verifier.source} could not be consulted: ${(error as Error).message}`, checkedAt: this.now() };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A source's answer as a finding (UC-02.02 step 4): it confirms; it does not know the identifier, or contradicts a
 * declared fact, which the provider must answer (query); it could not be consulted (warning, inconclusive: the asset
 * stays Pending Validation and the check is made again).
 */
const FINDING_OF: Record<VerificationOutcome, FindingOutcome> = {
  confirmed: 'confirmed',
  'not-found': 'query',
  mismatch: 'query',
  unavailable: 'warning',
};
