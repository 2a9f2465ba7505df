/** POST, PUT and DELETE handlers. */
import { presentObject, type ApiContext } from '../context.ts';
import {
  deleteObject,
  deletedStatus,
  parseDeleteOptions,
  type DeleteOptions,
} from '../deletion.ts';
import { ApiError } from '../errors.ts';
import { matchesFilter, parseFilter } from '../filter.ts';
import { decodeBody, readBody, requestContentType } from '../http.ts';
import { listBody } from '../list.ts';
import { metaString, type JsonObject } from '../object.ts';
import { typeKey } from '../registry.ts';
import { queryDryRun, type ApiRequest } from '../request.ts';
import { sendResourceObject } from '../respond.ts';
import { updateObject } from '../updates.ts';
import { createObject } from '../writes.ts';
import { readObjectBody, requestNamespace, writeRequest } from './common.ts';

/** POST to a collection: create. */
export async function handleCreate(context: ApiContext, api: ApiRequest): Promise<void> {
  const body = await readObjectBody(api);
  const result = createObject(context, writeRequest(api, 'create'), body);
  sendResourceObject(context, api, 201, result.object);
}

/** PUT to an object or its status: replace. */
export async function handleUpdate(
  context: ApiContext,
  api: ApiRequest,
  name: string,
): Promise<void> {
  const body = await readObjectBody(api);
  const result = updateObject(context, writeRequest(api, 'update'), name, body, {
    requireResourceVersion: true,
  });
  sendResourceObject(context, api, result.created ? 201 : 200, result.object);
}

async function readDeleteOptions(api: ApiRequest): Promise<DeleteOptions> {
  const raw = await readBody(api.request);
  let body: unknown;
  if (raw.length > 0) {
    body = decodeBody(raw, requestContentType(api.request) || 'application/json');
  }
  return parseDeleteOptions(body, api.query, queryDryRun(api.query));
}

/** DELETE of one object. */
export async function handleDelete(
  context: ApiContext,
  api: ApiRequest,
  name: string,
): Promise<void> {
  const options = await readDeleteOptions(api);
  const result = deleteObject(context, api.type, api.version, requestNamespace(api), name, options);
  const body =
    result.deleted && !api.type.returnDeletedObject
      ? deletedStatus(api.type, result.object)
      : result.object;
  sendResourceObject(context, api, 200, body);
}

/** DELETE of a collection: deletes every selected object and returns them as a list. */
export async function handleDeleteCollection(context: ApiContext, api: ApiRequest): Promise<void> {
  const options = await readDeleteOptions(api);
  const filter = parseFilter(api.type, requestNamespace(api), api.query);
  const deleted: JsonObject[] = [];
  for (const object of context.store.list(typeKey(api.type), requestNamespace(api))) {
    if (!matchesFilter(api.type, filter, object)) continue;
    try {
      const name = metaString(object, 'name') ?? '';
      deleted.push(
        deleteObject(context, api.type, api.version, requestNamespace(api), name, options).object,
      );
    } catch (error) {
      // An object deleted concurrently is simply no longer part of the collection.
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }
  const page = {
    items: deleted.map((object) => presentObject(object, api.type, api.version)),
    resourceVersion: context.store.currentRevision,
  };
  sendResourceObject(context, api, 200, listBody(api.type, api.version, page), { kind: 'json' });
}
