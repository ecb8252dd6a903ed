/** What can go wrong with a use case, as values the HTTP layer maps to statuses. */
export class RecordNotFoundError extends Error {
  constructor(readonly iri: string) {
    super(`no record ${iri}`);
    this.name = 'RecordNotFoundError';
  }
}

export interface InvalidRecordResult {
  severity: 'Violation' | 'Warning' | 'Info';
  field?: string;
  pointer?: string;
  path?: string;
  value?: string;
  message: string;
  focusNode?: string;
  sourceShape?: string;
  constraint?: string;
}

/** The submission breaks the shapes or the body schema; `stage` says which gate refused it. */
export class InvalidRecordError extends Error {
  constructor(readonly stage: 'body' | 'json-ld' | 'shacl', message: string, readonly results: InvalidRecordResult[] = []) {
    super(message);
    this.name = 'InvalidRecordError';
  }
}

/** RFC 9110 §13.1.1: an update named a version that is no longer current. */
export class VersionConflictError extends Error {
  constructor(readonly current: number) {
    super(`the record is at version ${current}; fetch it again and resend with its ETag in If-Match`);
    this.name = 'VersionConflictError';
  }
}

/** RFC 6585 §3: updates must say which version they replace. */
export class VersionRequiredError extends Error {
  constructor() {
    super('an update must carry If-Match with the ETag of the version it replaces');
    this.name = 'VersionRequiredError';
  }
}

/** The principal is known but may not take this action (403); `reason` says which rule refused it. */
export class AccessDeniedError extends Error {
  constructor(message: string, readonly extras: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** The request carries no usable credentials, or they were refused (401). */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/**
 * The registration duplicates a record that exists (409): names the existing record and what matched, so the
 * client can take the update path instead (UC-01.02: a duplicate returns the existing organisation's ID).
 */
export class DuplicateRecordError extends Error {
  constructor(message: string, readonly existingId: string, readonly existingIri: string, readonly matchedOn: string[]) {
    super(message);
    this.name = 'DuplicateRecordError';
  }
}

/**
 * The record's state or its dependants forbid the transition (409); `blockers` says what stands in the way and
 * `remedy` what to do first (UC-01.04: "de-register all assets first").
 */
export class StateConflictError extends Error {
  constructor(message: string, readonly extras: { blockers?: unknown; remedy?: string; currentStatus?: string } = {}) {
    super(message);
    this.name = 'StateConflictError';
  }
}

/** The request lacks something the use case needs and cannot infer (400), e.g. which FSP a new asset belongs to. */
export class IncompleteRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteRequestError';
  }
}
