/**
 * Kubernetes `Status` error bodies with kube-apiserver's codes, reasons and wording, so that
 * clients (kubectl, @kubernetes/client-node) classify and print them as they would a real
 * cluster's.
 */

/** One entry of `Status.details.causes`. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** `Status.details`: which object the failure concerns. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A meta/v1 Status body as kube-apiserver writes it. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A request failure that the HTTP layer turns into a Status response. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  readonly continueToken: string | undefined;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: StatusDetails,
    continueToken?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.continueToken = continueToken;
  }

  /** Renders the failure as the Status body kube-apiserver would send. */
  toStatus(): StatusBody {
    const status: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.continueToken === undefined ? {} : { continue: this.continueToken },
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details !== undefined) status.details = this.details;
    return status;
  }
}

/** The resource a failure concerns, as kube names it in messages ("widgets.example.dev"). */
export interface QualifiedResource {
  group: string;
  resource: string;
}

/** Formats a group-resource the way apimachinery's GroupResource.String() does. */
export function qualifiedName(target: QualifiedResource): string {
  return target.group === '' ? target.resource : `${target.resource}.${target.group}`;
}

/** 400 with a free-form message, as errors.NewBadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 404 for a named object: `widgets.example.dev "x" not found`. */
export function notFound(target: QualifiedResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedName(target)} "${name}" not found`, {
    name,
    group: target.group,
    kind: target.resource,
  });
}

/** 404 for a path that serves nothing, with kube's body for unknown resources. */
export function resourceNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 405 for a method that the path does not support. */
export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message, {});
}

/** 409 when the name is taken: `widgets.example.dev "x" already exists`. */
export function alreadyExists(target: QualifiedResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedName(target)} "${name}" already exists`, {
    name,
    group: target.group,
    kind: target.resource,
  });
}

/** The message kube-apiserver gives for a stale resourceVersion on update. */
export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 409 Conflict: `Operation cannot be fulfilled on widgets.example.dev "x": <why>`. */
export function conflict(
  target: QualifiedResource,
  name: string,
  why: string,
  causes?: StatusCause[],
): ApiError {
  const details: StatusDetails = { name, group: target.group, kind: target.resource };
  if (causes !== undefined) details.causes = causes;
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(target)} "${name}": ${why}`,
    details,
  );
}

/** The kind of an object as kube names it in Invalid messages ("Widget.example.dev", "Secret"). */
export interface QualifiedKind {
  group: string;
  kind: string;
}

/** A field error, as `Status.details.causes` carries it. */
export interface FieldError {
  reason: string;
  message: string;
  field: string;
}

/** Joins field errors the way apimachinery's ErrorList.ToAggregate() prints them. */
export function formatFieldErrors(causes: readonly FieldError[]): string {
  const texts = [...new Set(causes.map((cause) => formatFieldError(cause)))];
  return texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
}

function formatFieldError(cause: FieldError): string {
  return cause.field === '' ? cause.message : `${cause.field}: ${cause.message}`;
}

/** 422 Invalid: `Widget.example.dev "x" is invalid: spec.a: Required value`. */
export function invalid(
  kind: QualifiedKind,
  name: string,
  causes: readonly FieldError[],
): ApiError {
  const qualified = kind.group === '' ? kind.kind : `${kind.kind}.${kind.group}`;
  return new ApiError(
    422,
    'Invalid',
    `${qualified} "${name}" is invalid: ${formatFieldErrors(causes)}`,
    {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: causes.map((cause) => ({
        reason: cause.reason,
        message: cause.message,
        field: cause.field,
      })),
    },
  );
}

/** 403 Forbidden: `namespaces "default" is forbidden: <why>`. */
export function forbidden(target: QualifiedResource, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualifiedName(target)} "${name}" is forbidden: ${why}`, {
    name,
    group: target.group,
    kind: target.resource,
  });
}

/** 410 Expired, used for continue tokens and watches older than the kept history. */
export function expired(message: string, continueToken?: string): ApiError {
  return new ApiError(410, 'Expired', message, undefined, continueToken);
}

/** 415 for a body format the endpoint does not accept. */
export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 406 when none of the Accept media types can be produced. */
export function notAcceptable(accepted: readonly string[]): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: ${accepted.join(', ')}`,
  );
}

/** 413 for a body over the size limit (bytes). */
export function requestEntityTooLarge(limitBytes: number): ApiError {
  return new ApiError(
    413,
    'RequestEntityTooLarge',
    `Request entity too large: limit is ${limitBytes}`,
  );
}

/** Returns the reason kube-apiserver pairs with an HTTP code, for Status bodies built from a bare code. */
export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    406: 'NotAcceptable',
    409: 'Conflict',
    410: 'Expired',
    413: 'RequestEntityTooLarge',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}
