import type { Quad } from 'n3';
import { FMAR } from '../../rdf/namespaces.js';

/**
 * The values of an asset the authenticity checks look at, read from its quads as RecordService stores them: the
 * public graph `{record}`, `{record}#restricted` (serial number) and `{record}#personal` (MPANs) merged, all about the
 * record's own subject. Codes are given by their notation (BESS, UKPN_EPN, _A).
 */
export interface AssetFacts {
  iri: string;
  version: number;
  responsibleFSP?: string;
  assetRegistrationStatus?: string;
  assetCategory?: string;
  /** kW, as stored. */
  ratedCapacity?: number;
  importMPAN?: string;
  exportMPAN?: string;
  serialNumber?: string;
  manufacturer?: string;
  assetModel?: string;
  friendlyCode?: string;
  ecrReference?: string;
  dnoConnection?: string;
  gspGroup?: string;
  duplicateJustification?: string;
}

export interface AssetVersion {
  iri: string;
  version: number;
  quads: readonly Quad[];
}

export function assetFacts(asset: AssetVersion): AssetFacts {
  const value = (local: string) => asset.quads.find((q) => q.subject.value === asset.iri && q.predicate.value === `${FMAR}${local}`)?.object.value;
  const code = (local: string) => {
    const iri = value(local);
    return iri === undefined ? undefined : iri.slice(iri.lastIndexOf('/') + 1);
  };
  const capacity = value('ratedCapacity');
  return {
    iri: asset.iri,
    version: asset.version,
    responsibleFSP: value('responsibleFSP'),
    assetRegistrationStatus: code('assetRegistrationStatus'),
    assetCategory: code('assetCategory'),
    ratedCapacity: capacity === undefined ? undefined : Number(capacity),
    importMPAN: value('importMPAN'),
    exportMPAN: value('exportMPAN'),
    serialNumber: value('serialNumber'),
    manufacturer: value('manufacturer'),
    assetModel: value('assetModel'),
    friendlyCode: value('friendlyCode'),
    ecrReference: value('ecrReference'),
    dnoConnection: code('dnoConnection'),
    gspGroup: code('gspGroup'),
    duplicateJustification: value('duplicateJustification'),
  };
}
