import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { Agent, buildConnector, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import type { AttemptResult } from '../channels/types.ts';
import { BlockedAddressError, createGuardedConnector, isBlockedAddress } from './address-policy.ts';
import { withDefaultCertificates } from './tls-trust.ts';

/** Posts one request body and classifies the outcome. Shared by every HTTP channel. */
export interface HttpSender {
  /**
   * Makes one POST attempt. Resolves with the classified outcome and never rejects: any 2xx is
   * success; network errors, timeouts, 408, 429 and 5xx are retryable; redirects and every other
   * status are permanent failures. Header names must be in lower case, and a `user-agent`
   * header replaces the sender's.
   */
  post(
    url: string,
    body: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<AttemptResult>;
  /** Closes the connection pool that the sender created, once. A dispatcher passed in stays open. */
  close(): Promise<void>;
}

/** Options of createHttpSender. */
export interface HttpSenderOptions {
  /** Limit in milliseconds on each whole attempt: connect, request and response. */
  timeoutMs?: number;
  /** Turns the address policy off, for receivers that really are on link-local addresses. */
  allowLinkLocal?: boolean;
  /**
   * The undici dispatcher to send through. The caller owns it, and the address policy applies
   * only if its connector enforces it (see createGuardedConnector).
   */
  dispatcher?: Dispatcher;
  /** The User-Agent header value. */
  userAgent?: string;
  /** Milliseconds since the Unix epoch, for turning a Retry-After date into a delay. */
  now?: () => number;
  /** PEM CA certificates trusted for HTTPS besides Node's default ones. */
  ca?: string;
  /** Proxies to send through; without it, every request connects directly. */
  proxy?: HttpProxyOptions;
}

/**
 * Forward proxies, by the scheme of the target URL, as undici's EnvHttpProxyAgent routes them:
 * https:// URLs use `httpsProxy`, or `httpProxy` when that is unset, through a CONNECT tunnel.
 *
 * The address policy behind a proxy: the proxy resolves host names and opens the connection, so
 * the sender checks only hosts written as IP addresses, before anything is sent. A host name
 * that resolves to a link-local or metadata address passes, and the proxy's own rules must block
 * those addresses. Hosts matched by `noProxy` connect directly and are checked after DNS
 * resolution as usual.
 */
export interface HttpProxyOptions {
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  /** Comma-separated hosts, .domains, IP addresses and host:port reached directly. */
  noProxy?: string | undefined;
}

/** Default limit on one attempt, in milliseconds. */
export const defaultHttpTimeoutMs = 10_000;

/** Maximum response bytes read and discarded so that the connection is reused; more closes it. */
const maxDrainedBytes = 64 * 1024;

/** Creates a sender with its own connection pool, which enforces the address policy. */
export function createHttpSender(options: HttpSenderOptions = {}): HttpSender {
  const timeoutMs = options.timeoutMs ?? defaultHttpTimeoutMs;
  const now = options.now ?? Date.now;
  const userAgent = options.userAgent ?? 'herald';
  let ownAgent: Dispatcher | undefined;
  let dispatcher: Dispatcher;
  if (options.dispatcher) {
    dispatcher = options.dispatcher;
  } else {
    ownAgent = createDispatcher(options, timeoutMs);
    dispatcher = ownAgent;
  }
  // Behind a proxy the connector never receives the target, so IP literals are checked up front.
  const checkLiteralHost = options.proxy !== undefined && !options.allowLinkLocal;
  let closed = false;

  return {
    post: (url, body, headers, signal) =>
      postOnce(
        { dispatcher, timeoutMs, now, userAgent, checkLiteralHost },
        url,
        body,
        headers,
        signal,
      ),
    close: async () => {
      if (!ownAgent || closed) return;
      closed = true;
      await ownAgent.close();
    },
  };
}

/** Builds the sender's own connection pool: guarded, with the extra CAs, perhaps proxied. */
function createDispatcher(options: HttpSenderOptions, timeoutMs: number): Dispatcher {
  const tls = options.ca ? { ca: withDefaultCertificates(options.ca) } : {};
  const connect = options.allowLinkLocal
    ? { timeout: timeoutMs, ...tls }
    : createGuardedConnector({
        timeoutMs,
        buildConnector: (connectOptions) => buildConnector({ ...connectOptions, ...tls }),
      });
  if (!options.proxy) return new Agent({ connect });

  // Empty strings rather than undefined, so that undici does not read the proxy variables of
  // the environment by itself: the operator's settings decide.
  return new EnvHttpProxyAgent({
    httpProxy: options.proxy.httpProxy ?? '',
    httpsProxy: options.proxy.httpsProxy ?? '',
    noProxy: options.proxy.noProxy ?? '',
    connect,
    connectTimeout: timeoutMs,
    requestTls: tls,
    proxyTls: tls,
  });
}

interface PostSettings {
  dispatcher: Dispatcher;
  timeoutMs: number;
  now: () => number;
  userAgent: string;
  /** Rejects URLs whose host is a blocked IP address before sending. */
  checkLiteralHost: boolean;
}

async function postOnce(
  settings: PostSettings,
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<AttemptResult> {
  if (signal?.aborted) return cancelledResult;
  const blocked = settings.checkLiteralHost ? blockedLiteralHost(url) : undefined;
  if (blocked) return { ok: false, retryable: false, error: blocked.message };

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${settings.timeoutMs} ms`));
  }, settings.timeoutMs);
  const onCancel = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onCancel, { once: true });

  try {
    const response = await request(url, {
      method: 'POST',
      body,
      headers: { 'user-agent': settings.userAgent, ...headers },
      signal: controller.signal,
      dispatcher: settings.dispatcher,
    });

    // The status decides the outcome. A body that fails to drain (reset, timeout) only costs
    // the connection, so its error is ignored.
    await response.body.dump({ limit: maxDrainedBytes }).catch(() => undefined);
    return classifyStatus(response.statusCode, response.headers, settings.now());
  } catch (error) {
    if (timedOut) {
      return { ok: false, retryable: true, error: `timed out after ${settings.timeoutMs} ms` };
    }
    if (signal?.aborted) return cancelledResult;
    return classifyError(error);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
  }
}

/** Returns the error for a URL whose host is a blocked IP address, or undefined for any other URL. */
function blockedLiteralHost(url: string): BlockedAddressError | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined; // request() reports the invalid URL itself.
  }
  return isBlockedAddress(host) ? new BlockedAddressError(host) : undefined;
}

const cancelledResult: AttemptResult = {
  ok: false,
  retryable: true,
  error: 'cancelled before a response arrived',
};

/** Classifies an HTTP status. `nowMs` is the time a Retry-After date is measured from. */
export function classifyStatus(
  status: number,
  headers: IncomingHttpHeaders,
  nowMs: number,
): AttemptResult {
  if (status >= 200 && status < 300) return { ok: true, status };

  const label = `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
  if (status >= 300 && status < 400) {
    return {
      ok: false,
      retryable: false,
      status,
      error: `${label}: redirects are not followed; configure the URL the redirect points to`,
    };
  }

  const retryable = status === 408 || status === 429 || (status >= 500 && status < 600);
  if (!retryable) return { ok: false, retryable: false, status, error: label };

  const retryAfterMs = parseRetryAfter(headers['retry-after'], nowMs);
  return retryAfterMs === undefined
    ? { ok: false, retryable: true, status, error: label }
    : { ok: false, retryable: true, status, retryAfterMs, error: label };
}

/**
 * Parses a Retry-After header (RFC 9110 section 10.2.3): either delay-seconds or an HTTP date.
 * Returns the delay in milliseconds (0 for a date in the past), or undefined when the header is
 * missing or unparsable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;

  if (/^\d+$/.test(raw)) return Number(raw) * 1000;

  // The three HTTP-date forms all start with the day name. Date.parse alone would also read
  // "-1" or "1.5" as dates.
  // NOTE: Date.parse reads the obsolete asctime form, which has no zone, in local time.
  if (!/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? /i.test(raw)) return undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Error codes with a fixed wording and retry decision. Messages of errors are never used. */
const knownErrors: Record<string, { text: string; retryable: boolean }> = {
  ECONNREFUSED: { text: 'connection refused', retryable: true },
  ECONNRESET: { text: 'connection reset', retryable: true },
  EPIPE: { text: 'connection closed while sending', retryable: true },
  ETIMEDOUT: { text: 'connection timed out', retryable: true },
  UND_ERR_CONNECT_TIMEOUT: { text: 'connection timed out', retryable: true },
  UND_ERR_HEADERS_TIMEOUT: { text: 'no response headers in time', retryable: true },
  UND_ERR_BODY_TIMEOUT: { text: 'response body stalled', retryable: true },
  UND_ERR_SOCKET: { text: 'connection closed by the server', retryable: true },
  UND_ERR_CLOSED: { text: 'connection pool closed', retryable: true },
  ENOTFOUND: { text: 'host name not found', retryable: true },
  EAI_AGAIN: { text: 'DNS lookup failed temporarily', retryable: true },
  EHOSTUNREACH: { text: 'host unreachable', retryable: true },
  ENETUNREACH: { text: 'network unreachable', retryable: true },
  ERR_INVALID_URL: { text: 'invalid URL', retryable: false },
  UND_ERR_INVALID_ARG: { text: 'invalid request', retryable: false },
  CERT_HAS_EXPIRED: { text: 'TLS certificate has expired', retryable: false },
  DEPTH_ZERO_SELF_SIGNED_CERT: { text: 'TLS certificate is self-signed', retryable: false },
  SELF_SIGNED_CERT_IN_CHAIN: { text: 'TLS certificate chain is self-signed', retryable: false },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { text: 'TLS certificate is not trusted', retryable: false },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    text: 'TLS certificate does not match the host name',
    retryable: false,
  },
};

/**
 * Classifies a failed request by its error code. The wording is fixed per code, because the
 * messages of undici and Node errors may contain the host, the URL or the address.
 */
export function classifyError(error: unknown): AttemptResult {
  const causes = collectCauses(error);

  const blocked = causes.find((cause) => cause instanceof BlockedAddressError);
  if (blocked) return { ok: false, retryable: false, error: blocked.message };

  for (const cause of causes) {
    const code = errorCode(cause);
    const known = code === undefined ? undefined : knownErrors[code];
    if (known) return { ok: false, retryable: known.retryable, error: `${known.text} (${code})` };
  }

  const code = causes.map(errorCode).find((value) => value !== undefined);
  const name = error instanceof Error ? error.name : typeof error;
  return { ok: false, retryable: true, error: `request failed (${code ?? name})` };
}

/** Lists the error with its `cause` chain and the members of AggregateErrors. */
function collectCauses(error: unknown): unknown[] {
  const found: unknown[] = [];
  const pending = [error];
  while (pending.length > 0 && found.length < 20) {
    const next = pending.shift();
    if (next === undefined || next === null || found.includes(next)) continue;
    found.push(next);
    if (next instanceof AggregateError) pending.push(...(next.errors as unknown[]));
    if (next instanceof Error && next.cause !== undefined) pending.push(next.cause);
  }
  return found;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? code : undefined;
}
