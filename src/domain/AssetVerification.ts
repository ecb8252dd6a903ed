import { DataFactory, type Quad } from 'n3';
import { accessGraph, indexedActivities, READABLE_BY } from '../access/accessIndex.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import type { AuthenticityChecks, AuthenticityResult } from './authenticity/AuthenticityChecks.js';
import { authenticityCheckQuads, newAuthenticityCheckIri } from './authenticity/authenticityCheckQuads.js';
import { ASSET_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code, value } from './recordValues.js';

const { namedNode, quad } = DataFactory;

/** Statuses the automatic checks may move an asset out of (UC-02.02 step 3: Pending Validation -> Verified or Query). */
const CHECKABLE = ['PENDING_VALIDATION', 'VERIFIED', 'QUERY'];

/**
 * UC-02.02 step 3: after a registration is acknowledged (and after an update that changes an MPAN, UC-02.04), the
 * authenticity checks run off the request path and move the asset to Verified or Query, with the reasons per
 * attribute and the source that confirmed each, as an activity of the registry's checking agent. The status
 * change and the check's activity are one transaction, applied only if the asset is still at the version checked
 * (a newer version has its own check). Checks run one at a time, in the order they were asked for.
 */
export class AssetVerification {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly args: { records: RecordService; store: RegistryStore; checks: AuthenticityChecks; baseIri: string; enabled?: boolean; warn?: (message: string) => void }) {}

  get agentIri(): string {
    return `${this.args.baseIri}agents/authenticity-checks`;
  }

  /** Runs the checks of the asset's current version after the current request (never in it). */
  schedule(assetId: string, useCase: 'UC-02.02' | 'UC-02.04'): void {
    if (this.args.enabled === false) return;
    this.pending++;
    this.queue = this.queue
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => this.run(assetId, useCase))
      .catch((error: Error) => this.args.warn?.(`authenticity check of asset ${assetId} failed: ${error.message}`))
      .finally(() => this.pending--);
  }

  /** Resolves once every scheduled check has run (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  /** Checks the asset's current version and records the result; undefined when its status is not one checks decide. */
  async run(assetId: string, useCase: 'UC-02.02' | 'UC-02.04'): Promise<AuthenticityResult | undefined> {
    const asset = await this.args.records.get(ASSET_KIND, assetId);
    const status = code(asset, 'assetRegistrationStatus');
    if (!status || !CHECKABLE.includes(status)) return undefined;
    const result = await this.args.checks.check({ iri: asset.iri, version: asset.version, quads: asset.quads });
    const activityIri = newAuthenticityCheckIri(this.args.baseIri);
    const recorded = [...authenticityCheckQuads(result, { activityIri, agentIri: this.agentIri, useCase }), ...this.readableLikeTheAsset(asset, activityIri)];
    if (result.status === status) {
      await this.args.store.commit({ add: recorded });
      return result;
    }
    try {
      await this.args.records.transition(ASSET_KIND, assetId, { assetRegistrationStatus: result.status }, { agentIri: this.agentIri, onBehalfOf: value(asset, 'responsibleFSP') }, useCase, (latest) => {
        if (latest.version !== asset.version) throw new StaleCheck();
      }, recorded);
    } catch (error) {
      if (error instanceof StaleCheck) return undefined;
      throw error;
    }
    return result;
  }

  /** The check's activity is readable by whoever may read the asset's activities (docs/access.md). */
  private readableLikeTheAsset(asset: RecordState, activityIri: string): Quad[] {
    const audiences = asset.access.get(indexedActivities(asset.iri, asset.access)[0] ?? '') ?? [];
    return audiences.map((a) => quad(namedNode(activityIri), namedNode(READABLE_BY), namedNode(a), namedNode(accessGraph(activityIri))));
  }
}

/** The asset changed while it was being checked: the newer version's own check decides. */
class StaleCheck extends Error {}
