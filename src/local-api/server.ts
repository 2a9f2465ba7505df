/** The HTTP entry point: faults, audit, then routing to discovery, OpenAPI or resource handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

import type { AuditLog, AuditVerb } from './audit.ts';
import type { ApiContext } from './context.ts';
import { serveNonResource } from './endpoints.ts';
import { ApiError, methodNotAllowed, reasonForCode, resourceNotFound } from './errors.ts';
import type { FaultPlan } from './faults.ts';
import { handlePatch } from './handlers/patch.ts';
import { handleGet, handleList, handleWatch } from './handlers/read.ts';
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handleUpdate,
} from './handlers/write.ts';
import { errorMessage, sendError } from './http.ts';
import { parseResourcePath, queryFlag, type ApiRequest, type ResourcePath } from './request.ts';
import type { WatchHub } from './watch.ts';

/** Everything the request handler needs. */
export interface ServerParts {
  context: ApiContext;
  watches: WatchHub;
  faults: FaultPlan;
  audit: AuditLog;
  /** The server's own URL, for discovery's serverAddress. */
  url(): string;
}

function isWatchRequest(
  method: string,
  path: ResourcePath | undefined,
  query: URLSearchParams,
): boolean {
  if (method !== 'GET' || path === undefined) return false;
  return path.watchPrefix || queryFlag(query, 'watch');
}

function injectedFailure(code: number): ApiError {
  return new ApiError(code, reasonForCode(code), `injected failure (HTTP ${code}) for testing`, {});
}

/** Handles one HTTP request and turns every failure into a Status response. */
export async function handleHttpRequest(
  parts: ServerParts,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = (request.method ?? 'GET').toUpperCase();
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = parseResourcePath(url.pathname);
  try {
    const latency = parts.faults.latencyFor(url.pathname);
    if (latency > 0) await delay(latency);
    const failure = parts.faults.takeFailure({
      method,
      path: url.pathname,
      watch: isWatchRequest(method, path, url.searchParams),
    });
    if (failure !== undefined) throw injectedFailure(failure);

    if (path === undefined) {
      if (
        method === 'GET' &&
        serveNonResource(parts.context.registry, request, response, url.pathname, parts.url())
      ) {
        return;
      }
      throw resourceNotFound();
    }
    await serveResource(parts, request, response, path, url.searchParams, method);
  } catch (error) {
    if (error instanceof ApiError) {
      sendError(response, error);
      return;
    }
    parts.context.logger.error(
      { method, path: url.pathname, err: errorMessage(error) },
      'request failed',
    );
    sendError(
      response,
      new ApiError(500, 'InternalError', `Internal error occurred: ${errorMessage(error)}`),
    );
  }
}

function verbOf(method: string, path: ResourcePath, watch: boolean): AuditVerb | undefined {
  const named = path.name !== undefined;
  switch (method) {
    case 'GET':
      if (named) return 'get';
      return watch ? 'watch' : 'list';
    case 'POST':
      return named ? undefined : 'create';
    case 'PUT':
      return named ? 'update' : undefined;
    case 'PATCH':
      return named ? 'patch' : undefined;
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

async function serveResource(
  parts: ServerParts,
  request: IncomingMessage,
  response: ServerResponse,
  path: ResourcePath,
  query: URLSearchParams,
  method: string,
): Promise<void> {
  const resolved = parts.context.registry.resolve(path.group, path.version, path.resource);
  if (resolved === undefined) throw resourceNotFound();
  const { type, version } = resolved;
  if (!type.namespaced && path.namespace !== undefined) throw resourceNotFound();
  if (type.namespaced && path.namespace === undefined && path.name !== undefined) {
    throw resourceNotFound();
  }
  if (
    path.subresource !== undefined &&
    !(path.subresource === 'status' && version.statusSubresource)
  ) {
    throw resourceNotFound();
  }

  const watch = isWatchRequest(method, path, query);
  const verb = verbOf(method, path, watch);
  if (verb === undefined) throw methodNotAllowed();
  if (type.namespaced && path.namespace === undefined && !['list', 'watch'].includes(verb)) {
    throw methodNotAllowed();
  }
  if (path.subresource !== undefined && !['get', 'update', 'patch'].includes(verb)) {
    throw methodNotAllowed();
  }

  const userAgent = request.headers['user-agent'] ?? '';
  parts.audit.add({
    userAgent,
    verb,
    apiGroup: type.group,
    resource: type.plural,
    ...(path.subresource === undefined ? {} : { subresource: path.subresource }),
    ...(path.namespace === undefined ? {} : { namespace: path.namespace }),
  });

  const api: ApiRequest = {
    request,
    response,
    query,
    path,
    type,
    version,
    userAgent,
    warnings: [],
  };
  const name = path.name ?? '';
  switch (verb) {
    case 'get':
      return handleGet(parts.context, api, name);
    case 'list':
      return handleList(parts.context, api);
    case 'watch':
      return handleWatch(parts.watches, api);
    case 'create':
      return handleCreate(parts.context, api);
    case 'update':
      return handleUpdate(parts.context, api, name);
    case 'patch':
      return handlePatch(parts.context, api, name);
    case 'delete':
      return handleDelete(parts.context, api, name);
    case 'deletecollection':
      return handleDeleteCollection(parts.context, api);
  }
}
