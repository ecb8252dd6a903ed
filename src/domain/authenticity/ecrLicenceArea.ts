import type { CodeConcept } from '../../ontology/OntologyModel.js';

/**
 * The DNOCode concept a licence area names as an Embedded Capacity Register publishes it, matched on the code list
 * itself (no table of our own): "Eastern Power Networks (EPN)" names UKPN_EPN by its abbreviation, which is the code or its
 * last part; "Eastern Power Networks plc" names it by the area part of its label ("UK Power Networks –
 * Eastern Power Networks"), with the company suffix dropped. Undefined when it names no concept, or more than one.
 */
export function dnoCodeOfLicenceArea(published: string, dnoCodes: readonly CodeConcept[]): CodeConcept | undefined {
  const abbreviation = /\(([A-Za-z]{2,6})\)/.exec(published)?.[1]?.toUpperCase();
  if (abbreviation) {
    const byAbbreviation = dnoCodes.filter((c) => c.notation.toUpperCase() === abbreviation || c.notation.toUpperCase().endsWith(`_${abbreviation}`));
    if (byAbbreviation.length === 1) return byAbbreviation[0];
  }
  const name = words(published.replace(/\([^)]*\)/g, ' ').replace(/\b(plc|ltd|limited)\.?\s*$/i, ' '));
  if (!name) return undefined;
  const byName = dnoCodes.filter((c) => words(areaPart(c.label)) === name || words(c.label) === name);
  return byName.length === 1 ? byName[0] : undefined;
}

/** "UK Power Networks – Eastern Power Networks" -> "Eastern Power Networks": what follows the last dash of the label. */
function areaPart(label: string): string {
  const parts = label.split(/\s[–—-]\s/);
  return parts[parts.length - 1];
}

function words(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
