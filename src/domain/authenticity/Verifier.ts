/**
 * An external source that can vouch for an identifier (UC-02.02 step 4: "automatic checks against trusted external
 * sources ... MPAS or ECOES for MPAN, OEM registries / OEM cloud platforms ... keyed on MPAN, serial number";
 * UC-01.02: organisations validated against Companies House).
 *
 * The registry calls nothing over the network by default: the implementation it ships is RecordedResponseVerifier,
 * which answers from recorded responses. A live client (ECOES, an OEM API, Companies House) implements this same
 * interface.
 */

/** What is being verified: an MPAN core, an OEM serial number, or an organisation's registration number. */
export type VerificationSubject = 'mpan' | 'serial-number' | 'organisation';

export interface VerificationRequest {
  subject: VerificationSubject;
  /** The MPAN core, the serial number, or the Companies House number. */
  identifier: string;
  /**
   * Facts the provider declared that the source can confirm or contradict, by name: for an MPAN its gspGroup;
   * for a serial number its manufacturer and assetModel; for an organisation its organisationLegalName.
   */
  expected?: Record<string, string>;
}

/**
 * - confirmed: the source knows the identifier and what it says agrees with every expected fact it holds;
 * - not-found: the source does not know the identifier;
 * - mismatch: the source knows it but contradicts an expected fact;
 * - unavailable: the source could not be consulted (down, too slow, no answer recorded).
 */
export type VerificationOutcome = 'confirmed' | 'not-found' | 'mismatch' | 'unavailable';

export interface VerificationResponse {
  outcome: VerificationOutcome;
  /** IRI of the source that answered, e.g. https://www.ecoes.co.uk/. */
  source: string;
  /** What the source said, in words (never a personal value such as the MPAN itself). */
  detail: string;
  /** When the source answered (for a recorded response: when it was recorded). */
  checkedAt: Date;
}

export interface Verifier {
  /** IRI of the source, as findings and the check activity name it. */
  readonly source: string;
  /** The subjects this source can verify; the checks send it only those. */
  readonly subjects: readonly VerificationSubject[];
  verify(request: VerificationRequest): Promise<VerificationResponse>;
}
