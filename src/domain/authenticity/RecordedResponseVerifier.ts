import { readFile } from 'node:fs/promises';
import type { VerificationOutcome, VerificationRequest, VerificationResponse, VerificationSubject, Verifier } from './Verifier.js';

/**
 * A file of recorded responses of one external source (test/fixtures/authenticity/*.json):
 *
 * ```json
 * { "source": "https://www.ecoes.co.uk/", "name": "ECOES", "subjects": ["mpan"],
 *   "responses": [ { "subject": "mpan", "identifier": "1050001915560", "outcome": "confirmed",
 *                    "facts": { "gspGroup": "_A" }, "detail": "...", "recordedAt": "2026-11-20T09:00:00Z" } ] }
 * ```
 *
 * `outcome` is what the source said of the identifier itself (confirmed, not-found or unavailable); a mismatch is
 * decided at verification time, by comparing the request's expected facts with the recorded `facts`.
 */
export interface RecordedResponses {
  source: string;
  name: string;
  subjects: VerificationSubject[];
  /** Where the responses come from, so nobody mistakes them for a live service. */
  note?: string;
  responses: RecordedResponse[];
}

export interface RecordedResponse {
  subject: VerificationSubject;
  identifier: string;
  outcome: Exclude<VerificationOutcome, 'mismatch'>;
  facts?: Record<string, string>;
  detail?: string;
  recordedAt?: string;
}

const SUBJECTS: VerificationSubject[] = ['mpan', 'serial-number', 'organisation'];
const RECORDED_OUTCOMES = ['confirmed', 'not-found', 'unavailable'];

/**
 * A Verifier that answers from recorded responses and never touches the network: what tests use, and what the
 * registry uses by default. An identifier with no recorded response is `unavailable` (the source was never asked),
 * not `not-found` (the source said it does not know it).
 */
export class RecordedResponseVerifier implements Verifier {
  readonly source: string;
  readonly name: string;
  readonly subjects: readonly VerificationSubject[];
  private readonly responses: Map<string, RecordedResponse>;

  constructor(recording: RecordedResponses, private readonly now: () => Date = () => new Date()) {
    checkRecording(recording);
    this.source = recording.source;
    this.name = recording.name;
    this.subjects = recording.subjects;
    this.responses = new Map(recording.responses.map((r) => [key(r.subject, r.identifier), r]));
  }

  static async fromFile(path: string, now?: () => Date): Promise<RecordedResponseVerifier> {
    let recording: RecordedResponses;
    try {
      recording = JSON.parse(await readFile(path, 'utf8')) as RecordedResponses;
    } catch (error) {
      throw new Error(`${path}: not a file of recorded responses: ${(error as Error).message}`);
    }
    return new RecordedResponseVerifier(recording, now);
  }

  async verify(request: VerificationRequest): Promise<VerificationResponse> {
    const recorded = this.responses.get(key(request.subject, request.identifier));
    const answer = (outcome: VerificationOutcome, detail: string, at?: string): VerificationResponse => ({ outcome, source: this.source, detail: `${this.name} (recorded response): ${detail}`, checkedAt: at ? new Date(at) : this.now() });
    if (!this.subjects.includes(request.subject)) return answer('unavailable', `does not verify ${request.subject}s`);
    if (!recorded) return answer('unavailable', `no response recorded for this ${request.subject}`);
    if (recorded.outcome !== 'confirmed') return answer(recorded.outcome, recorded.detail ?? (recorded.outcome === 'not-found' ? `does not know this ${request.subject}` : 'could not be consulted'), recorded.recordedAt);
    const contradicted = Object.entries(request.expected ?? {})
      .filter(([name, value]) => recorded.facts?.[name] !== undefined && normalise(recorded.facts[name]) !== normalise(value))
      .map(([name, value]) => `${name} is ${JSON.stringify(recorded.facts![name])}, not ${JSON.stringify(value)}`);
    if (contradicted.length) return answer('mismatch', `knows this ${request.subject} but says ${contradicted.join('; ')}`, recorded.recordedAt);
    return answer('confirmed', recorded.detail ?? `knows this ${request.subject}`, recorded.recordedAt);
  }
}

function key(subject: VerificationSubject, identifier: string): string {
  return `${subject}\u0000${identifier.trim()}`;
}

/** Facts compare without regard to case, spacing or punctuation ("Example Storage Systems" = "example-storage systems"). */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function checkRecording(recording: RecordedResponses): void {
  const problems: string[] = [];
  if (typeof recording?.source !== 'string' || !/^https?:\/\//.test(recording.source)) problems.push('source must be the IRI of the source');
  if (typeof recording?.name !== 'string' || !recording.name) problems.push('name is required');
  if (!Array.isArray(recording?.subjects) || !recording.subjects.every((s) => SUBJECTS.includes(s))) problems.push(`subjects must be some of ${SUBJECTS.join(', ')}`);
  if (!Array.isArray(recording?.responses)) problems.push('responses must be an array');
  for (const [i, r] of (Array.isArray(recording?.responses) ? recording.responses : []).entries()) {
    if (!SUBJECTS.includes(r.subject) || typeof r.identifier !== 'string' || !RECORDED_OUTCOMES.includes(r.outcome)) problems.push(`responses[${i}] needs a subject, an identifier and an outcome of ${RECORDED_OUTCOMES.join(', ')}`);
    if (r.recordedAt !== undefined && Number.isNaN(Date.parse(r.recordedAt))) problems.push(`responses[${i}].recordedAt is not a date-time`);
  }
  if (problems.length) throw new Error(`recorded responses refused: ${problems.join('; ')}`);
}
