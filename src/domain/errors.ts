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
