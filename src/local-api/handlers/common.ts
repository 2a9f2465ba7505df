/** Helpers shared by the resource handlers. */
import { parseFieldValidation, type WriteKind } from '../admission.ts';
import { unsupportedMediaType, badRequest } from '../errors.ts';
import { decodeBody, readBody, requestContentType } from '../http.ts';
import { isJsonObject, type JsonObject } from '../object.ts';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE, supportsProtobuf } from '../protobuf.ts';
import { managerFromUserAgent, queryDryRun, type ApiRequest } from '../request.ts';
import type { WriteRequest } from '../writes.ts';

/** Media types accepted for POST and PUT bodies. */
export const OBJECT_BODY_TYPES = ['application/json', 'application/yaml'];

/** Reads a POST or PUT body as a JSON object, failing with 415 or 400 as kube does. */
export async function readObjectBody(api: ApiRequest): Promise<JsonObject> {
  const contentType = requestContentType(api.request) || 'application/json';
  const protobuf = contentType === PROTOBUF_MEDIA_TYPE && supportsProtobuf(api.type.kind);
  if (!OBJECT_BODY_TYPES.includes(contentType) && !protobuf) {
    api.request.resume();
    throw unsupportedMediaType(
      supportsProtobuf(api.type.kind)
        ? [...OBJECT_BODY_TYPES, PROTOBUF_MEDIA_TYPE]
        : OBJECT_BODY_TYPES,
    );
  }
  const body = await readBody(api.request);
  if (protobuf) return decodeProtobufObject(body, api.type.kind);
  const value = decodeBody(body, contentType);
  if (!isJsonObject(value)) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${api.type.kind}): couldn't get version/kind; json parse error: expected a JSON object`,
    );
  }
  return value;
}

/** Returns the namespace a request writes to: the URL's, for namespaced types only. */
export function requestNamespace(api: ApiRequest): string | undefined {
  return api.type.namespaced ? api.path.namespace : undefined;
}

/** Builds the write description shared by create, update, patch and apply. */
export function writeRequest(api: ApiRequest, writeKind: WriteKind): WriteRequest {
  const manager = api.query.get('fieldManager') ?? managerFromUserAgent(api.userAgent);
  const request: WriteRequest = {
    type: api.type,
    version: api.version,
    namespace: requestNamespace(api),
    manager,
    fieldValidation: parseFieldValidation(api.query, writeKind),
    writeKind,
    warnings: api.warnings,
    dryRun: queryDryRun(api.query),
  };
  if (api.path.subresource !== undefined) request.subresource = api.path.subresource;
  if (api.version.deprecationWarning !== undefined) {
    api.warnings.push(api.version.deprecationWarning);
  }
  return request;
}
