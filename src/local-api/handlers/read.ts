/** GET handlers: get, list and watch. */
import { readStoredObject, type ApiContext } from '../context.ts';
import { parseFilter } from '../filter.ts';
import { listObjects } from '../list.ts';
import { requireObject } from '../preconditions.ts';
import { queryFlag, queryInteger, type ApiRequest } from '../request.ts';
import { formatFor, sendResourceList, sendResourceObject } from '../respond.ts';
import { parseIncludeObject } from '../table.ts';
import { checkWatchResourceVersion, type WatchHub, type WatchOptions } from '../watch.ts';
import { requestNamespace } from './common.ts';

/** GET of one object (or its status subresource). */
export function handleGet(context: ApiContext, api: ApiRequest, name: string): void {
  const format = formatFor(api);
  const stored = requireObject(context, api.type, requestNamespace(api), name);
  sendResourceObject(context, api, 200, readStoredObject(stored, api.type, api.version), format);
}

/** GET of a collection. */
export function handleList(context: ApiContext, api: ApiRequest): void {
  const format = formatFor(api);
  const filter = parseFilter(api.type, requestNamespace(api), api.query);
  const page = listObjects(context, api.type, api.version, filter, {
    limit: queryInteger(api.query, 'limit'),
    continueToken: api.query.get('continue') || undefined,
    resourceVersion: api.query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: api.query.get('resourceVersionMatch') ?? undefined,
  });
  sendResourceList(context, api, page, format);
}

/** GET of a collection with `watch=true`: a stream of events. */
export function handleWatch(hub: WatchHub, api: ApiRequest): void {
  const format = formatFor(api);
  const options: WatchOptions = {
    type: api.type,
    version: api.version,
    filter: parseFilter(api.type, requestNamespace(api), api.query),
    resourceVersion: checkWatchResourceVersion(api.query.get('resourceVersion') ?? ''),
    allowBookmarks: queryFlag(api.query, 'allowWatchBookmarks'),
    sendInitialEvents: queryFlag(api.query, 'sendInitialEvents'),
    timeoutSeconds: queryInteger(api.query, 'timeoutSeconds'),
    warnings: api.warnings,
  };
  if (format.kind === 'table') {
    options.table = { apiVersion: format.apiVersion, include: parseIncludeObject(api.query) };
  }
  hub.open(options, api.response);
}
