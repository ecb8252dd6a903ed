/**
 * Organisation names as publishers write them, reduced to a key that ignores how a name is spelt but not what it
 * says. Real GB files name one company several ways ("BSR Applications Limited" and "BSR Applications Ltd" in the
 * UKPN ECR, data README file 1; "E.ON UK plc" at Elexon and "E.ON UK PLC" in the ECR), so names are compared by key.
 * The key keeps every word that can tell two companies apart: "UK" and "(UK)" stay ("Centrica Business Solutions
 * UK" at Elexon is not REPD's "Centrica Business Solutions"), and so do words like "Energy" or "Group".
 */

/** A normalisation rule, named as it is reported in match evidence. */
export type OrganisationNameRule = 'unicode' | 'accents' | 'case' | '&→and' | 'punctuation' | 'whitespace' | 'The prefix' | 'Public Limited Company→PLC' | 'Limited Liability Partnership→LLP' | 'Limited→Ltd';

interface NameRule {
  name: OrganisationNameRule;
  apply(text: string): string;
}

/** A whole word, however it is cased: letters or digits on neither side. */
const word = (pattern: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${pattern})(?![\\p{L}\\p{N}])`, 'giu');

/**
 * The rules, in the order they apply. Each works on its own (any subset can be applied, which is how
 * nameVariantsEvidence finds the rules two names needed), so each matches its words in any case.
 */
const RULES: readonly NameRule[] = [
  // NFKC folds compatibility forms: the no-break spaces of some REPD operators ("Pegasus Group\u00a0"), full-width letters.
  { name: 'unicode', apply: (text) => text.normalize('NFKC') },
  // "Société Générale Énergie" and "Societe Generale Energie" are one name (UC-01.02 duplicate registrations). Only
  // marks go: Ø, Æ and other letters of their own stay ("Øster Power" is not "Ster Power").
  { name: 'accents', apply: (text) => text.normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFKC') },
  // "RENESOLA POWER UK LTD" and "Renesola Power UK Ltd" (UKPN ECR) are one company.
  { name: 'case', apply: (text) => text.toLowerCase() },
  // "Her Majesty's Prison & Probation Service" (REPD): '&' and 'and' are one word.
  { name: '&→and', apply: (text) => text.replace(/\s*&\s*/g, ' and ') },
  // Apostrophes vanish ("Majesty's" = "Majestys", both in REPD); any other punctuation separates words
  // ("Bri-Stor" = "Bri Stor", "SembCorp Utilities (UK) Ltd" = "Sembcorp Utilities UK Limited").
  { name: 'punctuation', apply: (text) => text.replace(/['\u2018\u2019`]/g, '').replace(/[^\p{L}\p{N}\s]/gu, ' ') },
  // Runs of spaces are one space; leading and trailing spaces go ("Anesco " and "Anesco", REPD).
  { name: 'whitespace', apply: (text) => text.replace(/\s+/g, ' ').trim() },
  // A leading "The" is not part of the name ("The Abbey Group Cambridgeshire Ltd" = "Abbey Group cambridgeshire Ltd", UKPN ECR).
  { name: 'The prefix', apply: (text) => text.replace(/^\s*the\s+/iu, '') },
  // The company-type suffix a plc may write in full or dotted. Before Limited→Ltd, whose word it contains.
  { name: 'Public Limited Company→PLC', apply: (text) => text.replace(word('public\\s+limited\\s+company|p\\.?\\s?l\\.?\\s?c\\.?'), 'plc') },
  // An LLP may write its form in full (UC-01.02: "Acme Partners LLP" is "Acme Partners Limited Liability Partnership").
  // Before Limited→Ltd, whose word it contains.
  { name: 'Limited Liability Partnership→LLP', apply: (text) => text.replace(word('limited\\s+liability\\s+partnership'), 'llp') },
  // "Limited", "Ltd" and "Ltd." are one suffix ("UK Power Reserve Limited" at Elexon, "UK Power Reserve Ltd" in the ECR).
  { name: 'Limited→Ltd', apply: (text) => text.replace(word('limited|ltd\\.?'), 'ltd') },
];

function applyRules(name: string, rules: readonly NameRule[]): string {
  return rules.reduce((text, rule) => rule.apply(text), name);
}

/** The key two names of one organisation share: every rule applied ("BSR Applications Limited" -> "bsr applications ltd"). */
export function organisationNameKey(name: string): string {
  return applyRules(name, RULES);
}

/**
 * Why two different names have one key: the fewest rules that make them equal, in rule order (the first such set
 * in rule order when several are as small), e.g. ['case', 'Limited→Ltd'] for "ELEXON LTD" and "Elexon Limited".
 * [] when the names are identical; undefined when their keys differ (they are not variants of one name).
 */
export function nameVariantsEvidence(a: string, b: string): OrganisationNameRule[] | undefined {
  if (a === b) return [];
  if (organisationNameKey(a) !== organisationNameKey(b)) return undefined;
  for (let size = 1; size <= RULES.length; size++) {
    for (const subset of subsetsOfSize(RULES, size)) {
      if (applyRules(a, subset) === applyRules(b, subset)) return subset.map((rule) => rule.name);
    }
  }
  return RULES.map((rule) => rule.name);
}

/** The subsets of one size, each in the list's order, the subsets themselves in lexicographic order. */
function* subsetsOfSize<T>(list: readonly T[], size: number, from = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= list.length - size; i++) {
    for (const rest of subsetsOfSize(list, size - 1, i + 1)) yield [list[i], ...rest];
  }
}
