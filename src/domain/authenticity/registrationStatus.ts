import type { AuthenticityFinding } from './AuthenticityFinding.js';

/** AssetRegistrationStatus codes (ontology/codelists/asset-lifecycle.ttl) an authenticity check can lead to. */
export type CheckedRegistrationStatus = 'VERIFIED' | 'QUERY' | 'PENDING_VALIDATION';

/**
 * The registration status the findings of an authenticity check lead to (UC-02.02 step 5: "status updated to final
 * value, e.g. Verified or Query"):
 *
 * 1. QUERY when any finding is a query: the check found something the provider must answer (requirements §9, Query:
 *    "an authenticity check raised a question the provider must answer"). Queries are: an MPAN whose check digit is
 *    wrong (UC-02.02 alternative flow: invalid MPAN), a duplicate across organisations without a justification
 *    (asset-attributes.csv, Import/Export MPAN: "warn and require justification"), a friendly code already used in
 *    the organisation (requirements §4: uniqueness enforced within the organisation), an ECR entry that contradicts
 *    the technology, location or (upwards) capacity, an ecrReference naming no entry of a loaded register, and an
 *    external source that does not know the identifier or contradicts it (UC-02.02 step 4).
 * 2. Otherwise PENDING_VALIDATION when any finding is inconclusive: a trusted source could not be consulted, so the
 *    checks have not all run ("Pending Validation: authenticity checks are running"); they are made again later
 *    rather than verifying an asset nobody could check, or querying a provider about an outage.
 * 3. Otherwise VERIFIED. Warnings do not hold the registration back: they are the tables' soft checks (MPAN
 *    distributor vs DNO: "soft check; warn if mismatch"), justified duplicates ("allow override"), and checks that
 *    had nothing to compare; they stay on record with the check activity. An asset that declares no identifier any
 *    check applies to (an OTHER asset without MPAN, serial number, friendly code or ECR reference: the tables make them
 *    optional there) has no finding and is VERIFIED on its conformance validation alone (UC-02.02 step 2).
 */
export function registrationStatusOf(findings: readonly AuthenticityFinding[]): CheckedRegistrationStatus {
  if (findings.some((f) => f.outcome === 'query')) return 'QUERY';
  if (findings.some((f) => f.inconclusive)) return 'PENDING_VALIDATION';
  return 'VERIFIED';
}
