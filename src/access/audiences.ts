import type { Quad } from 'n3';
import { FMAR, RDF } from '../rdf/namespaces.js';
import type { GraphPart } from '../provenance/recordGraphs.js';
import { isAdministrator, type Principal } from './Principal.js';

/**
 * Audiences: the groups of readers a named graph is readable by (docs/access.md). The registry writes, with
 * every record, `<graph> access:readableBy <audience>` for each of the record's graphs (its parts, its
 * versions, its activities); a principal holds a set of audiences; a graph is readable when the two meet.
 * REST filters records with the same statements and SPARQL is rewritten to join with them, so the two
 * channels can never disagree (architecture.md, "Read path").
 *
 * The rules are requirements §10:
 * - FSPs read their own records (portfolio) and the public directory;
 * - system operators read the asset data of the GSP groups they serve (personal values only with a stated
 *   need, FMAR-Purpose);
 * - regulators and the Market Facilitator read non-personal record data (for aggregates) and the audit trail;
 * - platforms read what the grants of the FSPs they act for cover;
 * - the public reads reference data and the directory of organisations and platforms;
 * - personal values only for the owning organisation and those with a stated need.
 */
/**
 * Audience IRIs live under the registry's base: registries sharing one remote store keep apart (a DNO of one
 * registry must not read another registry's assets in the same GSP group).
 */
export const audience = {
  public: (base: string) => `${base}audiences/public`,
  /** Non-personal record data, for aggregates (regulators, Market Facilitator). */
  regulator: (base: string) => `${base}audiences/regulator`,
  /** Activities and the access log (UC-05.06). */
  audit: (base: string) => `${base}audiences/audit`,
  members: (organisation: string) => `${organisation}#members`,
  personal: (organisation: string) => `${organisation}#personal-data`,
  portfolio: (organisation: string) => `${organisation}#portfolio`,
  portfolioPersonal: (organisation: string) => `${organisation}#portfolio-personal`,
  ownedAssets: (organisation: string) => `${organisation}#owned-assets`,
  area: (base: string, gspGroup: string) => `${base}audiences/areas/${gspGroup}`,
  areaPersonal: (base: string, gspGroup: string) => `${base}audiences/areas/${gspGroup}/personal`,
  record: (record: string) => `${record}#readers`,
  recordPersonal: (record: string) => `${record}#personal-readers`,
  platform: (platform: string) => `${platform}#platform`,
};

/** Who may read each part of a record and its activities. */
export type RecordAudiences = Record<GraphPart, string[]> & { activity: string[] };

/** Organisation roles of system operators (requirements §2: DSOs, DNOs, NESO). */
export const SYSTEM_OPERATOR_ROLES = ['DNO', 'IDNO', 'TO', 'SYSTEM_OPERATOR'];
/** Organisation roles that read aggregates and the audit trail (requirements §10). */
export const OVERSIGHT_ROLES = ['REGULATOR', 'MARKET_FACILITATOR'];

/**
 * The facts of a record that decide its audiences, read from its quads. `dnoAreas` maps a DNO licence area
 * code to its GSP group (the 14 are one-to-one; IDNOs have none).
 */
export function recordAudiences(base: string, classIri: string, recordIri: string, quads: Quad[], dnoAreas: ReadonlyMap<string, string>): RecordAudiences {
  const one = (property: string) => quads.find((q) => q.subject.value === recordIri && q.predicate.value === `${FMAR}${property}`)?.object.value;
  const all = (property: string) => quads.filter((q) => q.subject.value === recordIri && q.predicate.value === `${FMAR}${property}`).map((q) => q.object.value);
  const previous = () => all('previousResponsibleFSPs').map((o) => audience.portfolio(o));
  const types = new Set(quads.filter((q) => q.subject.value === recordIri && q.predicate.value === `${RDF}type`).map((q) => q.object.value));
  const is = (name: string) => classIri === `${FMAR}${name}` || types.has(`${FMAR}${name}`);
  if (is('Organisation')) {
    return {
      PUBLIC: [audience.public(base), audience.members(recordIri), audience.regulator(base)],
      RESTRICTED: [audience.members(recordIri), audience.regulator(base)],
      PERSONAL: [audience.personal(recordIri)],
      activity: [audience.members(recordIri), audience.audit(base)],
    };
  }
  if (is('User')) {
    const organisation = one('userOrganisation');
    const members = organisation ? [audience.members(organisation)] : [];
    return {
      PUBLIC: [...members, audience.record(recordIri)],
      RESTRICTED: [...members, audience.record(recordIri)],
      PERSONAL: [...(organisation ? [audience.personal(organisation)] : []), audience.recordPersonal(recordIri)],
      activity: [...members, audience.audit(base)],
    };
  }
  if (is('Platform')) {
    const operator = one('platformOperator');
    const members = operator ? [audience.members(operator)] : [];
    return {
      PUBLIC: [audience.public(base), ...members, audience.platform(recordIri), audience.regulator(base)],
      RESTRICTED: [...members, audience.platform(recordIri)],
      PERSONAL: operator ? [audience.personal(operator)] : [],
      activity: [...members, audience.platform(recordIri), audience.audit(base)],
    };
  }
  if (is('DelegationGrant')) {
    const grantor = one('grantor');
    const grantee = one('grantee');
    const parties = [...(grantor ? [audience.members(grantor)] : []), ...(grantee ? [audience.platform(grantee)] : [])];
    return { PUBLIC: [...parties, audience.regulator(base)], RESTRICTED: parties, PERSONAL: [], activity: [...parties, audience.audit(base)] };
  }
  if (is('Asset')) {
    const fsp = one('responsibleFSP');
    const owner = one('assetOwner');
    const areas = new Set<string>();
    const gsp = one('gspGroup');
    if (gsp) areas.add(gsp.slice(gsp.lastIndexOf('/') + 1));
    const dno = one('dnoConnection');
    const dnoArea = dno ? dnoAreas.get(dno.slice(dno.lastIndexOf('/') + 1)) : undefined;
    if (dnoArea) areas.add(dnoArea);
    const readers = [...(fsp ? [audience.portfolio(fsp)] : []), ...(owner ? [audience.ownedAssets(owner)] : []), audience.record(recordIri), ...[...areas].map((a) => audience.area(base, a))];
    return {
      PUBLIC: [...readers, audience.regulator(base)],
      RESTRICTED: readers,
      PERSONAL: [...(fsp ? [audience.portfolioPersonal(fsp)] : []), audience.recordPersonal(recordIri), ...[...areas].map((a) => audience.areaPersonal(base, a))],
      // UC-03.04: a losing FSP keeps the audit trail of the asset (not its current data).
      activity: [...readers, ...previous(), audience.audit(base)],
    };
  }
  if (is('MarketUnit') || is('ServiceProvidingUnit') || is('ServiceProvidingGroup')) {
    // requirements §10: the FSP's own unit; system operators of the areas its assets lie in; regulators' aggregates.
    const fsp = one('responsibleFSP');
    const areas = all('unitGspGroups').map((g) => g.slice(g.lastIndexOf('/') + 1));
    const readers = [...(fsp ? [audience.portfolio(fsp)] : []), audience.record(recordIri), ...areas.map((a) => audience.area(base, a))];
    return {
      PUBLIC: [...readers, audience.regulator(base)],
      RESTRICTED: readers,
      PERSONAL: [...(fsp ? [audience.portfolioPersonal(fsp)] : []), audience.recordPersonal(recordIri), ...areas.map((a) => audience.areaPersonal(base, a))],
      // UC-03.02: audit on both sides of a re-assignment.
      activity: [...readers, ...previous(), audience.audit(base)],
    };
  }
  if (is('MarketUnitMembership')) {
    // Read by whoever reads the unit (RecordKind.readableWith adds the unit's readers).
    return { PUBLIC: [audience.regulator(base)], RESTRICTED: [], PERSONAL: [], activity: [audience.audit(base)] };
  }
  if (is('AssetSwitch')) {
    // UC-03.04: both providers follow the switch; the losing one is notified through it.
    const parties = ['gainingFSP', 'losingFSP'].map(one).filter((o): o is string => !!o).map((o) => audience.portfolio(o));
    return { PUBLIC: [...parties, audience.regulator(base)], RESTRICTED: parties, PERSONAL: [], activity: [...parties, audience.audit(base)] };
  }
  if (is('ServiceWindow')) {
    const operator = one('procuredByOperator');
    const holder = one('contractHolder');
    const parties = [...(operator ? [audience.members(operator)] : []), ...(holder ? [audience.portfolio(holder)] : [])];
    return { PUBLIC: [...parties, audience.regulator(base)], RESTRICTED: parties, PERSONAL: [], activity: [...parties, audience.audit(base)] };
  }
  if (is('Consent')) {
    // requirements §11: the consented FSP; the data subject reference is personal.
    const fsp = one('consentFSP');
    const readers = fsp ? [audience.portfolio(fsp)] : [];
    return { PUBLIC: [...readers, audience.regulator(base)], RESTRICTED: readers, PERSONAL: fsp ? [audience.portfolioPersonal(fsp)] : [], activity: [...readers, audience.audit(base)] };
  }
  if (is('Qualification')) {
    // The assessing system operator; the unit's readers are added by RecordService (readableWith).
    const assessor = one('assessedBy');
    const members = assessor ? [audience.members(assessor)] : [];
    return { PUBLIC: [...members, audience.regulator(base)], RESTRICTED: members, PERSONAL: [], activity: [...members, audience.audit(base)] };
  }
  if (is('CategorySchema')) {
    // UC-02.01: category schemas are reference data: everyone reads them.
    return { PUBLIC: [audience.public(base), audience.regulator(base)], RESTRICTED: [audience.public(base)], PERSONAL: [], activity: [audience.audit(base)] };
  }
  if (is('ConnectionLimit')) {
    // UC-02.06: the system operator that set it; the asset's readers are added by RecordService (readableWith).
    const setter = one('limitSetBy');
    const members = setter ? [audience.members(setter)] : [];
    return { PUBLIC: members, RESTRICTED: members, PERSONAL: [], activity: [...members, audience.audit(base)] };
  }
  // Kinds without rules of their own yet are readable by administrators only.
  return { PUBLIC: [], RESTRICTED: [], PERSONAL: [], activity: [audience.audit(base)] };
}

/** Every audience a principal holds; `undefined` for administrators, who read everything. */
export function principalAudiences(p: Principal, base: string): string[] | undefined {
  if (isAdministrator(p)) return undefined;
  const held = [audience.public(base)];
  if (p.kind === 'user' && p.organisationIri) {
    const o = p.organisationIri;
    held.push(audience.members(o), audience.personal(o), audience.portfolio(o), audience.portfolioPersonal(o), audience.record(p.agentIri), audience.recordPersonal(p.agentIri));
    if (p.organisationRoles.includes('ASSET_OWNER')) held.push(audience.ownedAssets(o));
    if (p.organisationRoles.some((r) => SYSTEM_OPERATOR_ROLES.includes(r))) {
      for (const area of p.networkAreas) {
        held.push(audience.area(base, area));
        // Personal values (MPANs) outside the owning organisation only with a stated need (requirements §10).
        if (p.statedPurpose) held.push(audience.areaPersonal(base, area));
      }
    }
    if (p.organisationRoles.some((r) => OVERSIGHT_ROLES.includes(r))) held.push(audience.regulator(base), audience.audit(base));
    for (const platform of p.operatedPlatforms) held.push(audience.platform(platform));
  }
  if (p.kind === 'platform') {
    held.push(audience.platform(p.agentIri));
    const grant = p.actingFor?.delegation;
    // A platform reads for an FSP only what that FSP's grant covers (UC-05.04).
    if (grant?.actions.includes('READ_ASSET')) {
      if (grant.allAssets) held.push(audience.portfolio(grant.grantorIri), audience.portfolioPersonal(grant.grantorIri));
      else for (const asset of grant.assets) held.push(audience.record(asset), audience.recordPersonal(asset));
    }
  }
  return [...new Set(held)];
}

/** Whether a principal holding `held` (undefined: everything) may read a graph readable by `graphAudiences`. */
export function mayRead(held: readonly string[] | undefined, graphAudiences: readonly string[] | undefined): boolean {
  if (held === undefined) return true;
  if (!graphAudiences) return false;
  return graphAudiences.some((a) => held.includes(a));
}

/** Whether any of the audiences held opens personal data (for the access log, UC-05.01). */
export function holdsPersonalAudience(held: readonly string[] | undefined): boolean {
  if (held === undefined) return true;
  return held.some((a) => /#personal-data$|#portfolio-personal$|#personal-readers$|\/personal$/.test(a));
}
