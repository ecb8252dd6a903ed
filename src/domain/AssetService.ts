import { authorizeAssetWrite } from '../access/AccessPolicy.js';
import type { Principal } from '../access/Principal.js';
import { FMAR, FMAR_CODE } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { ConsentService } from './ConsentService.js';
import { AuthenticationError, InvalidRecordError, StateConflictError } from './errors.js';
import { activeMembershipsOfAsset } from './marketUnitMemberships.js';
import { ASSET_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code, value } from './recordValues.js';

/** UC-02.03: the reasons an asset is de-registered (code list DeRegistrationReason). */
export const DEREGISTRATION_REASONS = ['DECOMMISSIONED', 'END_OF_CONTRACT', 'NO_LONGER_FLEXIBLE'];

/** External identifiers an asset can be found by (UC-02.02 lookup), by JSON name -> ontology property. */
export const LOOKUP_FIELDS: Record<string, string> = {
  importMPAN: `${FMAR}importMPAN`,
  exportMPAN: `${FMAR}exportMPAN`,
  serialNumber: `${FMAR}serialNumber`,
  mrid: `${FMAR}mrid`,
  ecrReference: `${FMAR}ecrReference`,
  friendlyCode: `${FMAR}friendlyCode`,
};

/**
 * Asset use cases beyond plain create/replace: de-registration (UC-02.03) and lookup by external identifier
 * (issue #7: "so a gaining FSP can find an FMAR Asset ID").
 */
export class AssetService {
  constructor(private readonly args: { records: RecordService; store: RegistryStore; baseIri: string; consents: ConsentService; today?: () => string }) {}

  /**
   * UC-02.02 registration. A consumer-owned asset (`consumerOwned: true`) is registered only on the consumer's
   * consent (UC-02.02 precondition; requirements §11): its `consentReference` is verified with the Consumer
   * Consent Solution for this FSP, the asset's MPAN and the ASSET_REGISTRATION purpose, and the consent is kept
   * as a Consent record written with the asset. A consent that does not verify stores nothing.
   */
  async register(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    const actor = authorizeAssetWrite(principal, 'REGISTER_ASSET');
    // Without a reference the shapes refuse a consumer-owned asset (Rule_Asset_ConsumerOwnedHasConsent).
    if (body.consumerOwned !== true || typeof body.consentReference !== 'string') return this.args.records.create(ASSET_KIND, body, actor);
    const id = ASSET_KIND.mintId();
    const iri = this.args.records.recordIri(ASSET_KIND, id);
    const evidence = await this.args.consents.verify(body.consentReference, actor.onBehalfOf!, [{ identifiers: ConsentService.identifiersOfBody(body, id) }], 'ASSET_REGISTRATION');
    const [asset] = await this.args.records.writeTogether([{ create: ASSET_KIND, id, body }, ...this.args.consents.consentRecords(evidence, actor.onBehalfOf!, [iri])], actor);
    return asset;
  }

  /**
   * UC-02.04 for a consumer-owned asset: a new consent reference (or an asset becoming consumer-owned) is
   * verified before the change is stored, and kept as a Consent record. Returns what to record after the update.
   */
  async consentForUpdate(current: RecordState, body: Record<string, unknown>, fsp: string): Promise<(() => Promise<void>) | undefined> {
    if (body.consumerOwned !== true || typeof body.consentReference !== 'string') return undefined;
    if (value(current, 'consumerOwned') === 'true' && value(current, 'consentReference') === body.consentReference) return undefined;
    const evidence = await this.args.consents.verify(body.consentReference, fsp, [{ iri: current.iri, identifiers: ConsentService.identifiersOfBody(body, current.id) }], 'ASSET_REGISTRATION');
    return async () => {
      await this.args.records.writeTogether(this.args.consents.consentRecords(evidence, fsp, [current.iri]), { agentIri: `${this.args.baseIri}agents/registry`, onBehalfOf: fsp });
    };
  }

  /**
   * UC-02.03: soft de-registration with a reason, by the responsible FSP (or its delegate with DEREGISTER_ASSET,
   * or an administrator). Refused while the asset is an active member of a market unit. The record and its ID
   * stay (IDs are never reused, requirements §4); the change is an activity and an AssetDeRegistered event.
   */
  async deregister(id: string, reason: unknown, principal: Principal): Promise<RecordState> {
    if (typeof reason !== 'string' || !DEREGISTRATION_REASONS.includes(reason)) {
      throw new InvalidRecordError('body', 'a de-registration needs its reason', [{ severity: 'Violation', pointer: '/deRegistrationReason', field: 'deRegistrationReason', value: reason === undefined ? undefined : String(reason), message: `one of ${DEREGISTRATION_REASONS.join(', ')}` }]);
    }
    const current = await this.args.records.get(ASSET_KIND, id);
    const actor = authorizeAssetWrite(principal, 'DEREGISTER_ASSET', value(current, 'responsibleFSP'), current.iri);
    const today = this.args.today?.() ?? new Date().toISOString().slice(0, 10);
    const units = [...new Set((await activeMembershipsOfAsset(this.args.store, current.iri)).map((m) => m.unit))];
    return this.args.records.transition(ASSET_KIND, id, { assetRegistrationStatus: 'DE_REGISTERED', deRegistrationReason: reason, deRegisteredOn: today }, actor, 'UC-02.03', (latest) => {
      const status = code(latest, 'assetRegistrationStatus');
      if (status === 'DE_REGISTERED') throw new StateConflictError('the asset is already de-registered', { currentStatus: status });
      if (units.length) {
        throw new StateConflictError(`the asset is an active member of ${units.length} market unit(s)`, {
          blockers: { activeMarketUnits: units },
          remedy: 'remove the asset from its market units first (UC-03.03), then de-register it',
        });
      }
    });
  }

  /**
   * The FMAR Asset IDs of the assets with the given external identifier (MPAN, serial number, MRID, ECR
   * reference, friendly code), de-registered ones included. Only IDs: reading the records follows the access
   * policy. Needs credentials; the caller already holds the identifier it looks up.
   */
  async lookup(field: string, identifier: string, principal: Principal): Promise<{ assetId: string; iri: string; status?: string }[]> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('looking up assets needs credentials');
    const property = LOOKUP_FIELDS[field];
    if (!property) throw new InvalidRecordError('body', `cannot look assets up by ${field}`, [{ severity: 'Violation', field, message: `look up by one of ${Object.keys(LOOKUP_FIELDS).join(', ')}` }]);
    if (!identifier || identifier.length > 128 || /[\u0000-\u001f"\\]/.test(identifier)) throw new InvalidRecordError('body', `${field} is not a valid identifier`, [{ severity: 'Violation', field, value: identifier.slice(0, 128), message: 'at most 128 printable characters' }]);
    const prefix = `${this.args.baseIri}${ASSET_KIND.path}/`;
    // The identifier may sit in any part graph of the current state (MPANs are personal), never a version graph.
    const rows = await selectBindings(this.args.store, `SELECT DISTINCT ?a ?status WHERE {
      GRAPH ?g { ?a <${property}> ${JSON.stringify(identifier)} }
      FILTER (STRSTARTS(STR(?a), ${JSON.stringify(prefix)}) && (?g = ?a || STRSTARTS(STR(?g), CONCAT(STR(?a), "#"))))
      OPTIONAL { GRAPH ?a { ?a <${FMAR}assetRegistrationStatus> ?status } } } ORDER BY ?a LIMIT 100`);
    return rows.map((r) => ({ assetId: r.a.value.slice(prefix.length), iri: r.a.value, ...(r.status ? { status: r.status.value.slice(`${FMAR_CODE}AssetRegistrationStatus/`.length) } : {}) }));
  }
}
