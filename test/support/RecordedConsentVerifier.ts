import type { ConsentEvidence } from '../../src/consent/ConsentEvidence.js';
import type { ConsentVerifier } from '../../src/consent/ConsentVerifier.js';

/**
 * A ConsentVerifier that answers from recorded answers, never over the network (as RecordedResponseVerifier does
 * for authenticity): a reference's evidence, an error to throw (a ConsentUnavailableError for a CCS that cannot
 * answer), or nothing (the CCS does not know it). Answers can be changed between calls; `asked` lists the calls.
 */
export class RecordedConsentVerifier implements ConsentVerifier {
  readonly answers = new Map<string, ConsentEvidence | Error>();
  readonly asked: string[] = [];

  async verify(reference: string): Promise<ConsentEvidence | undefined> {
    this.asked.push(reference);
    const answer = this.answers.get(reference);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}
