import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { load } from 'js-yaml';

import {
  startLocalApiServer,
  type LocalApiServer,
  type LocalApiServerOptions,
} from '../../src/local-api/index.ts';

/**
 * A parsed JSON value, typed so tests can index into it (`body.metadata?.name`). Leaves are
 * strings, numbers or booleans at run time; `items()` turns a JSON array into a real array.
 */
export interface Json {
  readonly [key: string]: Json | undefined;
}

/** Returns a JSON array value as an array (empty when it is not one). */
export function items(value: Json | undefined): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

/** A response: status, headers and the body parsed as JSON when possible. */
export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

/** Reads a file under test/fixtures. */
export function fixtureText(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');
}

/** Reads a YAML file under test/fixtures as an object. */
export function fixture(name: string): Record<string, Json> {
  return load(fixtureText(name)) as Record<string, Json>;
}

/** Fixture path on disk, for kubectl -f. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Sends one request to the server; `body` objects are sent as JSON unless a string is given. */
export async function call(
  server: LocalApiServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { 'user-agent': 'herald-tests/1.0', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(headers).some((key) => key.toLowerCase() === 'content-type')) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Starts a server for one test file; the caller closes it in afterAll/afterEach. */
export function startServer(options: LocalApiServerOptions = {}): Promise<LocalApiServer> {
  return startLocalApiServer(options);
}

/** The widgets CRD path and a namespaced widgets collection path. */
export const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
export const widgetsPath = (namespace = 'default') =>
  `/apis/example.herald.dev/v1/namespaces/${namespace}/widgets`;

/** Creates the widgets CRD from the fixture and checks it was accepted. */
export async function installWidgets(server: LocalApiServer): Promise<void> {
  const reply = await call(server, 'POST', CRD_PATH, fixture('widgets-crd.yaml'));
  if (reply.status !== 201) throw new Error(`creating the widgets CRD failed: ${reply.text}`);
}

/** Builds a Widget object. */
export function widget(
  name: string,
  spec: Record<string, unknown> = { color: 'red' },
  metadata: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'example.herald.dev/v1',
    kind: 'Widget',
    metadata: { name, ...metadata },
    spec,
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 3000,
  description = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One event read from a watch stream. */
export interface WatchEvent {
  type: string;
  object: Json;
}

/** Reads a watch stream line by line. */
export class WatchReader {
  readonly events: WatchEvent[] = [];
  status = 0;
  contentType = '';
  ended = false;
  private readonly controller = new AbortController();
  private readonly started: Promise<void>;

  constructor(server: LocalApiServer, path: string, headers: Record<string, string> = {}) {
    this.started = this.run(`${server.url}${path}`, headers);
  }

  private async run(url: string, headers: Record<string, string>): Promise<void> {
    try {
      const response = await fetch(url, { headers, signal: this.controller.signal });
      this.status = response.status;
      this.contentType = response.headers.get('content-type') ?? '';
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim() !== '') this.events.push(JSON.parse(line) as WatchEvent);
          newline = buffered.indexOf('\n');
        }
      }
    } catch (error) {
      if (!(error instanceof Error && error.name === 'AbortError')) throw error;
    } finally {
      this.ended = true;
    }
  }

  /** Waits until `count` events arrived and returns them. */
  async waitForEvents(count: number, timeoutMs = 3000): Promise<WatchEvent[]> {
    return eventually(
      () => (this.events.length >= count ? this.events.slice(0, count) : undefined),
      timeoutMs,
      `${count} watch events (have ${this.events.length})`,
    );
  }

  /** Waits until the server ends the stream. */
  async waitForEnd(timeoutMs = 3000): Promise<void> {
    await eventually(() => (this.ended ? true : undefined), timeoutMs, 'the watch stream to end');
  }

  /** Waits until response headers arrived. */
  async waitForHeaders(timeoutMs = 3000): Promise<void> {
    await eventually(
      () => (this.status !== 0 ? true : undefined),
      timeoutMs,
      'watch response headers',
    );
  }

  /** Aborts the stream. */
  async close(): Promise<void> {
    this.controller.abort();
    await this.started.catch(() => undefined);
  }
}
