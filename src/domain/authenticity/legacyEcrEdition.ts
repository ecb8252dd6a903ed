import { DataFactory } from 'n3';
import { READABLE_BY } from '../../access/accessIndex.js';
import { audience } from '../../access/audiences.js';
import type { RegistryStore } from '../../store/RegistryStore.js';

const { namedNode, quad } = DataFactory;

/**
 * Until issue #9 the ECR cross-check read its own copy of the UKPN register, one graph per edition with line-numbered
 * entries (`{base}reference/ecr/ukpn-2025-08`). The imported entries replace it (docs/import/ecr.md): a store that
 * still holds the old graph drops it at start, with its access-index entry, so that the registry holds one ECR.
 */
export async function dropLegacyEcrEdition(store: RegistryStore, baseIri: string, warn: (message: string) => void): Promise<void> {
  const legacy = `${baseIri}reference/ecr/ukpn-2025-08`;
  if (!(await store.graphExists(legacy))) return;
  const readable = quad(namedNode(legacy), namedNode(READABLE_BY), namedNode(audience.public(baseIri)), namedNode(`${baseIri}.well-known/fmar/reference-access`));
  await store.commit({ replaceGraphs: [legacy], add: [], remove: [readable] });
  warn(`dropped ${legacy}, the line-numbered copy of the UKPN ECR older versions loaded: the ECR cross-check reads the entries fmar import ecr writes (set FMAR_ECR_FILE, or import the register)`);
}
