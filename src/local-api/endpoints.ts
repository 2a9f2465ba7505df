/** Non-resource endpoints: version, health checks, discovery and OpenAPI. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.ts';
import { resourceNotFound } from './errors.ts';
import { sendObject } from './http.ts';
import type { JsonObject } from './object.ts';
import { openApiDocument, openApiIndex } from './openapi.ts';
import type { Registry } from './registry.ts';

/** The version the server reports. kubectl's dispatcher picks kubectl 1.32 from the minor. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-herald',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function sendText(response: ServerResponse, code: number, text: string): void {
  response.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendAggregated(
  response: ServerResponse,
  body: JsonObject,
  version: 'v2' | 'v2beta1',
): void {
  const text = JSON.stringify(body);
  response.writeHead(200, {
    'Content-Type': aggregatedContentType(version),
    'Content-Length': Buffer.byteLength(text),
    Vary: 'Accept',
  });
  response.end(text);
}

/**
 * Serves a non-resource GET path. Returns false when the path is not one of these endpoints
 * (it may then be a resource path).
 */
export function serveNonResource(
  registry: Registry,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  serverUrl: string,
): boolean {
  const parts = pathname.split('/').filter((part) => part !== '');
  const first = parts[0] ?? '';

  if (pathname === '/version' || pathname === '/version/') {
    sendObject(response, 200, SERVER_VERSION);
    return true;
  }
  if (['healthz', 'readyz', 'livez'].includes(first)) {
    sendText(response, 200, 'ok');
    return true;
  }
  if (first === 'api' && parts.length <= 2) {
    return serveCoreDiscovery(registry, request, response, parts, serverUrl);
  }
  if (first === 'apis' && parts.length <= 3) {
    return serveGroupDiscovery(registry, request, response, parts);
  }
  if (first === 'openapi') return serveOpenApi(registry, response, parts);
  return false;
}

function serveCoreDiscovery(
  registry: Registry,
  request: IncomingMessage,
  response: ServerResponse,
  parts: string[],
  serverUrl: string,
): boolean {
  if (parts.length === 1) {
    const aggregated = wantsAggregated(request.headers.accept);
    if (aggregated !== undefined) {
      sendAggregated(response, aggregatedDiscovery(registry, 'api', aggregated), aggregated);
    } else sendObject(response, 200, apiVersions(new URL(serverUrl).host));
    return true;
  }
  const document = apiResourceList(registry, '', parts[1] ?? '');
  if (document === undefined) throw resourceNotFound();
  sendObject(response, 200, document);
  return true;
}

function serveGroupDiscovery(
  registry: Registry,
  request: IncomingMessage,
  response: ServerResponse,
  parts: string[],
): boolean {
  if (parts.length === 1) {
    const aggregated = wantsAggregated(request.headers.accept);
    if (aggregated !== undefined) {
      sendAggregated(response, aggregatedDiscovery(registry, 'apis', aggregated), aggregated);
    } else sendObject(response, 200, apiGroupList(registry));
    return true;
  }
  const group = parts[1] ?? '';
  const document =
    parts.length === 2
      ? apiGroupDocument(registry, group)
      : apiResourceList(registry, group, parts[2] ?? '');
  if (document === undefined) throw resourceNotFound();
  sendObject(response, 200, document);
  return true;
}

function serveOpenApi(registry: Registry, response: ServerResponse, parts: string[]): boolean {
  if (parts[1] !== 'v3') throw resourceNotFound();
  if (parts.length === 2) {
    sendObject(response, 200, openApiIndex(registry));
    return true;
  }
  const rest = parts.slice(2);
  let document: JsonObject | undefined;
  if (rest[0] === 'api' && rest.length === 2) {
    document = openApiDocument(registry, '', rest[1] ?? '');
  }
  if (rest[0] === 'apis' && rest.length === 3) {
    document = openApiDocument(registry, rest[1] ?? '', rest[2] ?? '');
  }
  if (document === undefined) throw resourceNotFound();
  sendObject(response, 200, document);
  return true;
}
