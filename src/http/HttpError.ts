/**
 * One error class per HTTP status family; routes and services throw them, one middleware renders them as
 * RFC 9457 problem details (application/problem+json).
 */
export interface ProblemExtras {
  /** Field-level results: JSON Schema errors or SHACL results. */
  errors?: unknown[];
  [key: string]: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly type = `https://w3id.org/fmar/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    readonly extras: ProblemExtras = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class BadRequestHttpError extends HttpError {
  constructor(detail: string, extras?: ProblemExtras) {
    super(400, 'Bad Request', detail, undefined, extras);
  }
}
export class UnauthorizedHttpError extends HttpError {
  constructor(detail: string) {
    super(401, 'Unauthorized', detail);
  }
}
export class ForbiddenHttpError extends HttpError {
  constructor(detail: string, extras?: ProblemExtras) {
    super(403, 'Forbidden', detail, undefined, extras);
  }
}
export class ConflictHttpError extends HttpError {
  constructor(title: string, detail: string, extras?: ProblemExtras) {
    super(409, title, detail, undefined, extras);
  }
}
export class TooManyRequestsHttpError extends HttpError {
  constructor(detail: string) {
    super(429, 'Too Many Requests', detail);
  }
}
export class NotFoundHttpError extends HttpError {
  constructor(detail: string) {
    super(404, 'Not Found', detail);
  }
}
export class NotAcceptableHttpError extends HttpError {
  constructor(detail: string, extras?: ProblemExtras) {
    super(406, 'Not Acceptable', detail, undefined, extras);
  }
}
export class PreconditionFailedHttpError extends HttpError {
  constructor(detail: string) {
    super(412, 'Precondition Failed', detail);
  }
}
export class PayloadTooLargeHttpError extends HttpError {
  constructor(detail: string) {
    super(413, 'Content Too Large', detail);
  }
}
export class UnsupportedMediaTypeHttpError extends HttpError {
  constructor(detail: string, extras?: ProblemExtras) {
    super(415, 'Unsupported Media Type', detail, undefined, extras);
  }
}
export class UnprocessableEntityHttpError extends HttpError {
  constructor(title: string, detail: string, extras?: ProblemExtras) {
    super(422, title, detail, undefined, extras);
  }
}
export class PreconditionRequiredHttpError extends HttpError {
  constructor(detail: string) {
    super(428, 'Precondition Required', detail);
  }
}
export class ServiceUnavailableHttpError extends HttpError {
  constructor(detail: string) {
    super(503, 'Service Unavailable', detail);
  }
}
export class QueryTimeoutHttpError extends HttpError {
  constructor(detail: string) {
    super(503, 'Query Timeout', detail);
  }
}
