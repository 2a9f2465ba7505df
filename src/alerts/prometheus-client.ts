import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Part at fault in a failed query. `server`: Prometheus was unreachable, slow, failing or sent a
 * malformed response, which affects every alert alike. `query`: Prometheus rejected this query
 * or its result cannot be compared with a limit.
 */
export type QueryFailureScope = 'server' | 'query';

/** Result of an instant query that must return exactly one finite number. */
export type QueryResult =
  { ok: true; value: number } | { ok: false; scope: QueryFailureScope; message: string };

/** Options of a Prometheus client. */
export interface PrometheusClientOptions {
  /** Base URL of the Prometheus HTTP API, such as http://prometheus.monitoring:9090. */
  url: string;
  /** Limit on one query, connection and response included, in ms. */
  timeoutMs: number;
  /** File holding a bearer token, read again for every query because tokens are rotated. */
  bearerTokenFile?: string | undefined;
}

/** Runs instant queries against the Prometheus HTTP API. */
export interface PrometheusClient {
  /** Runs `query` at the server's current time. Never rejects. */
  query(query: string, signal?: AbortSignal): Promise<QueryResult>;
}

const sampleSchema = z.tuple([z.number(), z.string()]);

const responseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(
          z.object({ metric: z.record(z.string(), z.string()), value: sampleSchema }),
        ),
      }),
      z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

type PrometheusResponse = z.output<typeof responseSchema>;

/** Maximum length, in characters, of a Prometheus error message kept in a status. */
const maxMessageLength = 300;

/** Creates a client for the Prometheus HTTP API at `options.url`. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const endpoint = new URL('api/v1/query', withTrailingSlash(options.url));
  return {
    query: (query, signal) => runQuery(endpoint, options, query, signal),
  };
}

async function runQuery(
  endpoint: URL,
  options: PrometheusClientOptions,
  query: string,
  signal: AbortSignal | undefined,
): Promise<QueryResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (options.bearerTokenFile) {
    const token = await readToken(options.bearerTokenFile);
    if (!token.ok) return token;
    headers.authorization = `Bearer ${token.value}`;
  }

  // Prometheus stops evaluating at its `timeout` parameter; the abort covers the network too.
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const body = new URLSearchParams({ query, timeout: `${options.timeoutMs}ms` });
  let response: Response;
  let text: string;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    text = await response.text();
  } catch (error) {
    return serverFailure(describeFetchError(error, timeout, options.timeoutMs));
  }

  return interpret(response.status, text);
}

/** Classifies a response by its status code and body. */
function interpret(status: number, text: string): QueryResult {
  let parsed: PrometheusResponse | undefined;
  try {
    const result = responseSchema.safeParse(JSON.parse(text));
    if (result.success) parsed = result.data;
  } catch {
    // Not JSON: handled below with the status code.
  }

  if (parsed?.status === 'error') {
    const message = `Prometheus rejected the query (${parsed.errorType}): ${clip(parsed.error)}`;
    // 400 bad_data and 422 execution errors belong to the query; 503 and others to the server.
    return status === 400 || status === 422
      ? { ok: false, scope: 'query', message }
      : serverFailure(message);
  }
  if (status < 200 || status > 299) {
    return serverFailure(`Prometheus answered with HTTP ${status}`);
  }
  if (!parsed) {
    return serverFailure(
      'Prometheus sent a response that is not a query result; check that --prometheus-url points at the Prometheus HTTP API',
    );
  }
  return singleValue(parsed.data);
}

/** Extracts the one number of a vector or scalar result. */
function singleValue(
  data: Extract<PrometheusResponse, { status: 'success' }>['data'],
): QueryResult {
  let text: string;
  if (data.resultType === 'scalar') {
    text = data.result[1];
  } else if (data.resultType === 'vector') {
    if (data.result.length === 0) {
      return queryFailure('the query returned no data');
    }
    if (data.result.length > 1) {
      return queryFailure(
        `the query returned ${data.result.length} series; aggregate it to one, for example with max()`,
      );
    }
    text = data.result[0]?.value[1] ?? '';
  } else {
    return queryFailure(
      `the query returned a ${data.resultType}; an alert query must return an instant vector of one series`,
    );
  }

  const value = Number(text);
  if (!Number.isFinite(value)) {
    return queryFailure(
      `the query returned ${text}, which cannot be compared with a limit; NaN usually means no data in the rate window`,
    );
  }
  return { ok: true, value };
}

async function readToken(
  path: string,
): Promise<{ ok: true; value: string } | Extract<QueryResult, { ok: false }>> {
  try {
    const value = (await readFile(path, 'utf8')).trim();
    if (value === '') return serverFailure(`bearer token file ${path} is empty`);
    return { ok: true, value };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    return serverFailure(`reading the bearer token file ${path} failed with ${code}`);
  }
}

function describeFetchError(error: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `Prometheus query timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code) return `connecting to Prometheus failed with ${code}`;
  return `querying Prometheus failed: ${cause instanceof Error ? cause.message : String(cause)}`;
}

function serverFailure(message: string): Extract<QueryResult, { ok: false }> {
  return { ok: false, scope: 'server', message };
}

function queryFailure(message: string): Extract<QueryResult, { ok: false }> {
  return { ok: false, scope: 'query', message };
}

function clip(text: string): string {
  return text.length > maxMessageLength ? `${text.slice(0, maxMessageLength)}…` : text;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
