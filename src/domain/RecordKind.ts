import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { FMAR, FMAR_CODE } from '../rdf/namespaces.js';

/**
 * A kind of record the registry serves over REST: its class, collection path, identifier, how new IDs are
 * minted, its initial status and the use cases its writes serve. Later issues add kinds here.
 */
export interface RecordKind {
  className: string;
  classIri: string;
  path: string;
  /** JSON name of the identifier property. */
  idField: string;
  mintId(): string;
  /** JSON name and code of the status a new record starts in (kinds without a status have none). */
  initialStatus?: { field: string; code: string; iri: string };
  /**
   * JSON name of a link whose target's readers may also read this record (a connection limit is read by whoever
   * may read its asset): the target's public audiences are added to this record's own (docs/access.md).
   */
  readableWith?: string;
  /** Set from the acting organisation rather than the body. */
  responsibleOrganisationField?: string;
  /** A class every record of the kind also carries, whatever its body says (an SPU is also a fmar:MarketUnit). */
  alsoTypedAs?: string;
  useCases: { create: string; replace: string };
}

export const ORGANISATION_KIND: RecordKind = {
  className: 'Organisation',
  classIri: `${FMAR}Organisation`,
  path: 'organisations',
  idField: 'fmarOrganisationId',
  // organisation-attributes.csv, FMAR Organisation ID: system-generated UUID, never reassigned.
  mintId: () => randomUUID(),
  // UC-01.02: a new organisation is Pending Approval until an FMAR administrator approves it.
  initialStatus: { field: 'organisationStatus', code: 'PENDING_APPROVAL', iri: `${FMAR_CODE}OrganisationStatus/PENDING_APPROVAL` },
  useCases: { create: 'UC-01.02', replace: 'UC-01.03' },
};

export const ASSET_KIND: RecordKind = {
  className: 'Asset',
  classIri: `${FMAR}Asset`,
  path: 'assets',
  idField: 'assetId',
  // requirements §4: the FMAR Asset ID is a time-ordered UUID v7, never reused.
  mintId: () => uuidv7(),
  // UC-02.02 step 3: a registered asset starts in Pending Validation.
  initialStatus: { field: 'assetRegistrationStatus', code: 'PENDING_VALIDATION', iri: `${FMAR_CODE}AssetRegistrationStatus/PENDING_VALIDATION` },
  responsibleOrganisationField: 'responsibleFSP',
  useCases: { create: 'UC-02.02', replace: 'UC-02.04' },
};

export const USER_KIND: RecordKind = {
  className: 'User',
  classIri: `${FMAR}User`,
  path: 'users',
  idField: 'userId',
  // requirements §7 (Unique FMAR User ID, UUID).
  mintId: () => randomUUID(),
  // UC-01.01: the account exists once created and works once the user activates it.
  initialStatus: { field: 'userStatus', code: 'PENDING_ACTIVATION', iri: `${FMAR_CODE}UserStatus/PENDING_ACTIVATION` },
  useCases: { create: 'UC-01.01', replace: 'UC-01.01' },
};

export const PLATFORM_KIND: RecordKind = {
  className: 'Platform',
  classIri: `${FMAR}Platform`,
  path: 'platforms',
  idField: 'platformId',
  // UC-05.04: the platform receives a unique Platform ID.
  mintId: () => randomUUID(),
  // UC-05.04 rules: technical and security vetting before a platform may act.
  initialStatus: { field: 'platformStatus', code: 'PENDING_VETTING', iri: `${FMAR_CODE}PlatformStatus/PENDING_VETTING` },
  useCases: { create: 'UC-05.04', replace: 'UC-05.04' },
};

export const DELEGATION_KIND: RecordKind = {
  className: 'DelegationGrant',
  classIri: `${FMAR}DelegationGrant`,
  path: 'delegations',
  idField: 'delegationId',
  mintId: () => randomUUID(),
  initialStatus: { field: 'delegationStatus', code: 'ACTIVE', iri: `${FMAR_CODE}DelegationStatus/ACTIVE` },
  // UC-05.04: the FSP that grants is the acting organisation, never a body field.
  responsibleOrganisationField: 'grantor',
  useCases: { create: 'UC-05.04', replace: 'UC-05.04' },
};

export const CONNECTION_LIMIT_KIND: RecordKind = {
  className: 'ConnectionLimit',
  classIri: `${FMAR}ConnectionLimit`,
  path: 'connection-limits',
  idField: 'connectionLimitId',
  mintId: () => uuidv7(),
  // UC-02.06: the system operator that sets the limit is the acting organisation.
  responsibleOrganisationField: 'limitSetBy',
  readableWith: 'limitedAsset',
  useCases: { create: 'UC-02.06', replace: 'UC-02.06' },
};

export const CATEGORY_SCHEMA_KIND: RecordKind = {
  className: 'CategorySchema',
  classIri: `${FMAR}CategorySchema`,
  path: 'category-schemas',
  idField: 'categorySchemaId',
  mintId: () => randomUUID(),
  useCases: { create: 'UC-02.01', replace: 'UC-02.01' },
};

/**
 * UC-03.01: a market unit is a service providing unit (SPU) or group (SPG). Both live under /market-units and
 * are stored with both their concrete class and fmar:MarketUnit, so that one kind lists and reads either.
 */
export const MARKET_UNIT_KIND: RecordKind = {
  className: 'MarketUnit',
  classIri: `${FMAR}MarketUnit`,
  path: 'market-units',
  // UC-03.01: the FSP gives the unit its unique name/ID (fmar:marketUnitId); the registry never mints one.
  idField: 'marketUnitId',
  mintId: () => {
    throw new Error('a market unit ID is given by its FSP');
  },
  initialStatus: { field: 'marketUnitStatus', code: 'ACTIVE', iri: `${FMAR_CODE}MarketUnitStatus/ACTIVE` },
  responsibleOrganisationField: 'responsibleFSP',
  useCases: { create: 'UC-03.01', replace: 'UC-03.03' },
};

/** The concrete classes a market unit is created as (JSON Schema and shapes of each). */
export const SPU_KIND: RecordKind = { ...MARKET_UNIT_KIND, className: 'ServiceProvidingUnit', classIri: `${FMAR}ServiceProvidingUnit`, alsoTypedAs: MARKET_UNIT_KIND.classIri };
export const SPG_KIND: RecordKind = { ...MARKET_UNIT_KIND, className: 'ServiceProvidingGroup', classIri: `${FMAR}ServiceProvidingGroup`, alsoTypedAs: MARKET_UNIT_KIND.classIri };

export const MEMBERSHIP_KIND: RecordKind = {
  className: 'MarketUnitMembership',
  classIri: `${FMAR}MarketUnitMembership`,
  path: 'memberships',
  idField: 'membershipId',
  mintId: () => uuidv7(),
  // Whoever may read the unit reads its composition.
  readableWith: 'ofMarketUnit',
  useCases: { create: 'UC-03.01', replace: 'UC-03.03' },
};

export const SWITCH_KIND: RecordKind = {
  className: 'AssetSwitch',
  classIri: `${FMAR}AssetSwitch`,
  path: 'switches',
  idField: 'switchId',
  mintId: () => uuidv7(),
  // requirements §9: a switch starts requested.
  initialStatus: { field: 'switchStatus', code: 'REQUESTED', iri: `${FMAR_CODE}SwitchStatus/REQUESTED` },
  responsibleOrganisationField: 'gainingFSP',
  useCases: { create: 'UC-03.04', replace: 'UC-03.04' },
};

export const SERVICE_WINDOW_KIND: RecordKind = {
  className: 'ServiceWindow',
  classIri: `${FMAR}ServiceWindow`,
  path: 'service-windows',
  idField: 'serviceWindowId',
  mintId: () => uuidv7(),
  initialStatus: { field: 'serviceWindowStatus', code: 'CONFIRMED', iri: `${FMAR_CODE}ServiceWindowStatus/CONFIRMED` },
  // The system operator that confirmed the contract is the acting organisation.
  responsibleOrganisationField: 'procuredByOperator',
  useCases: { create: 'UC-03.04', replace: 'UC-03.04' },
};

export const CONSENT_KIND: RecordKind = {
  className: 'Consent',
  classIri: `${FMAR}Consent`,
  path: 'consents',
  idField: 'consentId',
  mintId: () => uuidv7(),
  useCases: { create: 'UC-05.05', replace: 'UC-05.05' },
};

export const QUALIFICATION_KIND: RecordKind = {
  className: 'Qualification',
  classIri: `${FMAR}Qualification`,
  path: 'qualifications',
  idField: 'qualificationId',
  mintId: () => uuidv7(),
  // Whoever may read the unit reads its qualifications (and the assessing operator, by its own audiences).
  readableWith: 'qualifiedUnit',
  // requirements §10: system operators write qualification outcomes; the assessing operator is the acting organisation.
  responsibleOrganisationField: 'assessedBy',
  useCases: { create: 'UC-04.02', replace: 'UC-04.02' },
};

export const RECORD_KINDS = [ORGANISATION_KIND, USER_KIND, PLATFORM_KIND, DELEGATION_KIND, ASSET_KIND, CONNECTION_LIMIT_KIND, CATEGORY_SCHEMA_KIND, MARKET_UNIT_KIND, MEMBERSHIP_KIND, SWITCH_KIND, SERVICE_WINDOW_KIND, CONSENT_KIND, QUALIFICATION_KIND];
