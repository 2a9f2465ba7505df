/** Writes API objects and lists in the format the client asked for (JSON, YAML, Table, partial). */
import type { ApiContext } from './context.ts';
import { negotiateFormat, sendObject, warningHeader, type ResponseFormat } from './http.ts';
import { listBody, listMeta, type ListPage } from './list.ts';
import { isJsonObject, type JsonObject } from './object.ts';
import type { ApiRequest } from './request.ts';
import { buildTable, parseIncludeObject } from './table.ts';

/** Picks the response format for a request from its Accept header. */
export function formatFor(api: ApiRequest): ResponseFormat {
  return negotiateFormat(api.request.headers.accept);
}

function writeWarnings(api: ApiRequest): void {
  if (api.warnings.length > 0 && !api.response.headersSent) {
    api.response.setHeader(
      'Warning',
      api.warnings.map((warning) => warningHeader(warning)),
    );
  }
}

function partialObject(object: JsonObject, apiVersion: string): JsonObject {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: object.metadata ?? {} };
}

/** Sends one object (a get, create, update, patch or delete result). */
export function sendResourceObject(
  context: ApiContext,
  api: ApiRequest,
  code: number,
  object: JsonObject,
  format: ResponseFormat = formatFor(api),
): void {
  writeWarnings(api);
  if (format.kind === 'table' && object.kind !== 'Status') {
    const metadata = isJsonObject(object.metadata) ? object.metadata : {};
    const table = buildTable({
      type: api.type,
      version: api.version,
      objects: [object],
      now: context.now(),
      include: parseIncludeObject(api.query),
      apiVersion: format.apiVersion,
      listMeta: { resourceVersion: String(metadata.resourceVersion ?? '') },
    });
    sendObject(api.response, code, table);
    return;
  }
  if (format.kind === 'partial' && object.kind !== 'Status') {
    sendObject(api.response, code, partialObject(object, format.apiVersion));
    return;
  }
  sendObject(api.response, code, object, format);
}

/** Sends a list page as a list, a Table or a PartialObjectMetadataList. */
export function sendResourceList(
  context: ApiContext,
  api: ApiRequest,
  page: ListPage,
  format: ResponseFormat = formatFor(api),
): void {
  writeWarnings(api);
  if (format.kind === 'table') {
    const table = buildTable({
      type: api.type,
      version: api.version,
      objects: page.items,
      now: context.now(),
      include: parseIncludeObject(api.query),
      apiVersion: format.apiVersion,
      listMeta: listMeta(page),
    });
    sendObject(api.response, 200, table);
    return;
  }
  if (format.kind === 'partial') {
    sendObject(api.response, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: format.apiVersion,
      metadata: listMeta(page),
      items: page.items.map((object) => partialObject(object, format.apiVersion)),
    });
    return;
  }
  sendObject(api.response, 200, listBody(api.type, api.version, page), format);
}
