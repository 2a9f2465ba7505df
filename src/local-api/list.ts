/**
 * Lists with kube-apiserver's resourceVersion semantics and paging: `limit`, opaque `continue`
 * tokens (a revision plus the last key) read from a consistent snapshot, 410 once the snapshot's
 * history is gone, and `remainingItemCount`.
 */
import type { ApiContext } from './context.ts';
import { readStoredObject } from './context.ts';
import { ApiError, badRequest, expired } from './errors.ts';
import { matchesFilter, type ObjectFilter } from './filter.ts';
import { metaString, type JsonObject } from './object.ts';
import type { ResourceType, ResourceVersion } from './registry.ts';
import { typeKey } from './registry.ts';
import { objectKey } from './store.ts';

/** The message kube-apiserver gives for a continue token older than its history. */
export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueToken {
  revision: number;
  /** Key of the last object returned. The next page starts after it. */
  after: string;
}

function encodeContinue(token: ContinueToken): string {
  const payload = { v: 'meta.k8s.io/v1', rv: token.revision, start: `${token.after}\u0000` };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: the token is not base64-encoded JSON');
  }
  const { v, rv, start } = (payload ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== 'meta.k8s.io/v1' || typeof rv !== 'number' || typeof start !== 'string') {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  return { revision: rv, after: start.replace(/\u0000$/, '') };
}

/** Paging and consistency parameters of a list request. */
export interface ListParameters {
  limit: number | undefined;
  continueToken: string | undefined;
  resourceVersion: string | undefined;
  resourceVersionMatch: string | undefined;
}

/** A page of a list, with the metadata to return. */
export interface ListPage {
  items: JsonObject[];
  resourceVersion: number;
  continueToken?: string;
  remainingItemCount?: number;
}

function parseRevision(text: string): number {
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version: ${JSON.stringify(text)}`);
  return Number(text);
}

function readSnapshot(context: ApiContext, type: ResourceType, revision: number): JsonObject[] {
  const snapshot = context.store.snapshot(typeKey(type), revision);
  if ('expired' in snapshot) {
    throw expired(`too old resource version: ${revision} (${snapshot.oldest})`);
  }
  return [...snapshot.values()];
}

/** Selects the objects and revision a list reads, before filtering and paging. */
function readSource(
  context: ApiContext,
  type: ResourceType,
  parameters: ListParameters,
): { objects: JsonObject[]; revision: number; after?: string } {
  const current = context.store.currentRevision;
  if (parameters.continueToken !== undefined) {
    if (
      parameters.resourceVersion !== undefined &&
      parameters.resourceVersion !== '' &&
      parameters.resourceVersion !== '0'
    ) {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    const token = decodeContinue(parameters.continueToken);
    const snapshot = context.store.snapshot(typeKey(type), token.revision);
    if ('expired' in snapshot) {
      const fresh = encodeContinue({ revision: current, after: token.after });
      throw expired(EXPIRED_CONTINUE_MESSAGE, fresh);
    }
    return { objects: [...snapshot.values()], revision: token.revision, after: token.after };
  }

  const requested = parameters.resourceVersion ?? '';
  if (requested === '' || requested === '0') {
    return { objects: context.store.list(typeKey(type)), revision: current };
  }
  const revision = parseRevision(requested);
  if (revision > current) {
    throw new ApiError(
      504,
      'Timeout',
      `Too large resource version: ${revision}, current: ${current}`,
      {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      },
    );
  }
  if (parameters.resourceVersionMatch === 'Exact') {
    return { objects: readSnapshot(context, type, revision), revision };
  }
  return { objects: context.store.list(typeKey(type)), revision: current };
}

/** Reads one page of a list, with items presented at `version`. */
export function listObjects(
  context: ApiContext,
  type: ResourceType,
  version: ResourceVersion,
  filter: ObjectFilter,
  parameters: ListParameters,
): ListPage {
  const source = readSource(context, type, parameters);
  const after = source.after;
  const selected = source.objects.filter(
    (object) =>
      (after === undefined || keyOf(object) > after) && matchesFilter(type, filter, object),
  );

  const limit = parameters.limit ?? 0;
  const page: ListPage = { items: selected, resourceVersion: source.revision };
  if (limit > 0 && selected.length > limit) {
    page.items = selected.slice(0, limit);
    const last = page.items[page.items.length - 1];
    page.continueToken = encodeContinue({
      revision: source.revision,
      after: last ? keyOf(last) : '',
    });
    if (!filter.selective) page.remainingItemCount = selected.length - limit;
  }
  page.items = page.items.map((object) => readStoredObject(object, type, version));
  return page;
}

function keyOf(object: JsonObject): string {
  return objectKey(metaString(object, 'namespace'), metaString(object, 'name') ?? '');
}

/** Builds the list body (e.g. WidgetList). Built-in lists omit each item's kind and apiVersion. */
export function listBody(type: ResourceType, version: ResourceVersion, page: ListPage): JsonObject {
  const metadata: JsonObject = { resourceVersion: String(page.resourceVersion) };
  if (page.continueToken !== undefined) metadata.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  const items =
    type.origin === 'builtin'
      ? page.items.map(({ apiVersion: _apiVersion, kind: _kind, ...rest }) => rest)
      : page.items;
  return {
    kind: type.listKind,
    apiVersion: type.group === '' ? version.name : `${type.group}/${version.name}`,
    metadata,
    items,
  };
}

/** Returns the list metadata of a page (for Table responses). */
export function listMeta(page: ListPage): JsonObject {
  const metadata: JsonObject = { resourceVersion: String(page.resourceVersion) };
  if (page.continueToken !== undefined) metadata.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  return metadata;
}
