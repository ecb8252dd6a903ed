/**
 * What one authenticity check concluded about one attribute of an asset (UC-02.02 step 4). The codes are those of
 * the ontology's VerificationOutcome and AuthenticityCheckType code lists (ontology/fmar.ttl, section 7).
 */
export type FindingOutcome = 'confirmed' | 'warning' | 'query';

export type AuthenticityCheckType =
  | 'MPAN_CHECK_DIGIT'
  | 'MPAN_DISTRIBUTOR'
  | 'DUPLICATE_IDENTIFIER'
  | 'FRIENDLY_CODE_UNIQUE'
  | 'ECR_REFERENCE'
  | 'ECR_CAPACITY'
  | 'ECR_TECHNOLOGY'
  | 'ECR_LOCATION'
  | 'EXTERNAL_VERIFIER';

export interface AuthenticityFinding {
  /** JSON name of the asset attribute, e.g. importMPAN. */
  attribute: string;
  check: AuthenticityCheckType;
  outcome: FindingOutcome;
  /** Why, in words the provider can act on; never a personal value such as an MPAN. */
  reason: string;
  /** IRI of the source the finding rests on. */
  source: string;
  checkedAt: Date;
  /** The check could not be made (its source could not be consulted): to be made again. */
  inconclusive?: boolean;
  /** Other assets the finding is about (a duplicate, a friendly code already in use). */
  conflictingRecords?: string[];
}
