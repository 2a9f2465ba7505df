/** Parsing of resource URLs and query parameters, following kube-apiserver's RequestInfo rules. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { badRequest } from './errors.ts';
import type { ResourceType, ResourceVersion } from './registry.ts';

/** The parts of a resource URL (`/apis/G/V/namespaces/NS/RESOURCE/NAME/SUBRESOURCE`). */
export interface ResourcePath {
  group: string;
  version: string;
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** Set for the deprecated `/watch/` path prefix. */
  watchPrefix: boolean;
}

/** Subresources of a namespace that are not resources inside it. */
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Splits a resource URL path into its parts, or returns undefined when the path names no
 * resource (discovery paths, unknown prefixes, too many segments).
 */
export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }

  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest = rest.slice(1);

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    const third = rest[2];
    if (rest.length > 2 && third !== undefined && !namespaceSubresources.has(third)) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return {
    group,
    version,
    resource: rest[0] ?? '',
    namespace,
    name: rest[1],
    subresource: rest[2],
    watchPrefix,
  };
}

/** One API request after routing, shared by every handler. */
export interface ApiRequest {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
  path: ResourcePath;
  type: ResourceType;
  version: ResourceVersion;
  userAgent: string;
  /** Warnings to send as `Warning` headers with the response. */
  warnings: string[];
}

/** Reads a boolean query parameter ("true"/"1"), as kube's parameter codec accepts them. */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value === 'true' || value === '1';
}

/** Reads a non-negative integer query parameter, failing with 400 on anything else. */
export function queryInteger(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) {
    throw badRequest(
      `invalid ${name} parameter ${JSON.stringify(value)}: must be a non-negative integer`,
    );
  }
  return Number(value);
}

/** Reads `dryRun`: only "All" is valid, as in kube-apiserver. */
export function queryDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const value of values) {
    if (value !== 'All') {
      throw badRequest(`Invalid dryRun value: ${JSON.stringify(value)}: supported values: "All"`);
    }
  }
  return values.length > 0;
}

/** Returns the field manager kube derives from a user agent: the part before the first "/". */
export function managerFromUserAgent(userAgent: string): string {
  const slash = userAgent.indexOf('/');
  return slash < 0 ? userAgent : userAgent.slice(0, slash);
}
