/** HTTP plumbing: bodies, media types, and JSON or YAML responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { dump, load } from 'js-yaml';

import { ApiError, badRequest, notAcceptable, requestEntityTooLarge } from './errors.ts';

/** Largest request body kube-apiserver accepts by default (3 MiB), in bytes. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole request body, failing with 413 past `MAX_BODY_BYTES`. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) {
    request.resume();
    throw requestEntityTooLarge(MAX_BODY_BYTES);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      request.resume();
      throw requestEntityTooLarge(MAX_BODY_BYTES);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A parsed media type such as `application/json;as=Table;v=v1;g=meta.k8s.io`. */
export interface MediaType {
  /** "type/subtype", lower case. */
  essence: string;
  params: Record<string, string>;
}

/** Parses one media type. Parameter names are lower-cased and values keep their case. */
export function parseMediaType(text: string): MediaType {
  const [essence = '', ...rawParams] = text.split(';');
  const params: Record<string, string> = {};
  for (const raw of rawParams) {
    const separator = raw.indexOf('=');
    if (separator < 0) continue;
    const name = raw.slice(0, separator).trim().toLowerCase();
    params[name] = raw
      .slice(separator + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { essence: essence.trim().toLowerCase(), params };
}

/** Parses an Accept header into media types, highest quality first, header order kept otherwise. */
export function parseAccept(header: string | undefined): MediaType[] {
  if (header === undefined || header.trim() === '') return [{ essence: '*/*', params: {} }];
  const types = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => parseMediaType(part));
  const quality = (type: MediaType): number => Number(type.params.q ?? '1');
  return types
    .map((type, index) => ({ type, index }))
    .sort((a, b) => quality(b.type) - quality(a.type) || a.index - b.index)
    .map(({ type }) => type);
}

/** Returns the Content-Type essence of a request ("application/json"), or "" when absent. */
export function requestContentType(request: IncomingMessage): string {
  return parseMediaType(request.headers['content-type'] ?? '').essence;
}

/** Decodes a JSON or YAML body into a value, failing with kube's 400 on malformed input. */
export function decodeBody(body: Buffer, contentType: string): unknown {
  const text = body.toString('utf8');
  if (contentType === 'application/yaml' || contentType.endsWith('+yaml')) {
    try {
      return load(text);
    } catch (error) {
      throw badRequest(`error converting YAML to JSON: ${errorMessage(error)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${errorMessage(error)}`);
  }
}

/** The response formats the server can produce for an object or a list. */
export type ResponseFormat =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'table'; apiVersion: string }
  | { kind: 'partial'; apiVersion: string };

const acceptedOutputTypes = ['application/json', 'application/yaml'];

/** Picks the response format from an Accept header, failing with 406 when none fits. */
export function negotiateFormat(acceptHeader: string | undefined): ResponseFormat {
  for (const type of parseAccept(acceptHeader)) {
    const format = formatFor(type);
    if (format !== undefined) return format;
  }
  throw notAcceptable(acceptedOutputTypes);
}

function formatFor(type: MediaType): ResponseFormat | undefined {
  const { essence, params } = type;
  if (essence === 'application/yaml') return params.as === undefined ? { kind: 'yaml' } : undefined;
  if (essence !== 'application/json' && essence !== '*/*' && essence !== 'application/*') {
    return undefined;
  }
  if (params.as === undefined) return { kind: 'json' };
  if (params.g !== 'meta.k8s.io' || (params.v !== 'v1' && params.v !== 'v1beta1')) return undefined;
  const apiVersion = `meta.k8s.io/${params.v}`;
  if (params.as === 'Table') return { kind: 'table', apiVersion };
  if (params.as === 'PartialObjectMetadata' || params.as === 'PartialObjectMetadataList') {
    return { kind: 'partial', apiVersion };
  }
  return undefined;
}

/** Writes a body as JSON (or YAML when asked) with the given status code. */
export function sendObject(
  response: ServerResponse,
  code: number,
  body: unknown,
  format: ResponseFormat = { kind: 'json' },
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const yaml = format.kind === 'yaml';
  const text = yaml ? dump(body) : JSON.stringify(body);
  response.writeHead(code, {
    'Content-Type': yaml ? 'application/yaml' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  response.end(text);
}

/** Writes an ApiError as a Status body. */
export function sendError(response: ServerResponse, error: ApiError): void {
  sendObject(response, error.code, error.toStatus());
}

/** Formats one `Warning` header value as kube-apiserver does (code 299, agent "-"). */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

/** Returns the message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
