import type { CoreV1Api } from '@kubernetes/client-node';
import type { Clock } from '../util/clock.ts';
import { apiStatusCode, describeApiError } from './kube.ts';

/** A reference to one key of a Secret in the notifier's namespace. */
export interface SecretKeyRef {
  name: string;
  key: string;
}

/** The value of a Secret key, or why it could not be read. Messages never contain a value. */
export type SecretKeyResult =
  | { ok: true; value: string }
  | {
      ok: false;
      reason: 'SecretNotFound' | 'SecretKeyNotFound' | 'SecretReadFailed';
      message: string;
      /** Whether trying again later may succeed without editing the Notifier. */
      retryable: boolean;
    };

interface CachedSecret {
  data: Record<string, string>;
  expiresAt: number;
}

/**
 * Reads the Secrets that notifiers reference, one at a time and only when needed, so the
 * operator needs `get` on Secrets but never lists or watches them cluster-wide. Found Secrets
 * are reused for `ttlMs`, so a rotated webhook URL takes effect within that time; a missing
 * Secret is asked for again on every read, so it is picked up as soon as it is created.
 */
export class SecretReader {
  private readonly cache = new Map<string, CachedSecret>();
  private readonly reading = new Map<string, Promise<CachedSecret | SecretKeyResult>>();
  private readonly core: CoreV1Api;
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(options: { core: CoreV1Api; clock: Clock; ttlMs: number }) {
    this.core = options.core;
    this.clock = options.clock;
    this.ttlMs = options.ttlMs;
  }

  /** Reads one key; `field` names the referencing field for error messages. */
  async readKey(namespace: string, ref: SecretKeyRef, field: string): Promise<SecretKeyResult> {
    let secret = await this.readSecret(namespace, ref.name, field);
    if ('ok' in secret) return secret;
    if (secret.data[ref.key] === undefined) {
      // A key added since the Secret was cached counts at once, as a created Secret does.
      this.invalidate(namespace, ref.name);
      secret = await this.readSecret(namespace, ref.name, field);
      if ('ok' in secret) return secret;
    }

    const value = secret.data[ref.key];
    if (value === undefined) {
      return {
        ok: false,
        reason: 'SecretKeyNotFound',
        message: `Secret "${ref.name}" in namespace "${namespace}" has no key "${ref.key}" (${field}.key); add the key to the Secret or fix the reference`,
        retryable: true,
      };
    }
    return { ok: true, value };
  }

  /** Forgets a cached Secret, so the next read goes to the API server. */
  invalidate(namespace: string, name: string): void {
    this.cache.delete(`${namespace}/${name}`);
  }

  private async readSecret(
    namespace: string,
    name: string,
    field: string,
  ): Promise<CachedSecret | SecretKeyResult> {
    const cacheKey = `${namespace}/${name}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > this.clock.now()) return cached;

    let pending = this.reading.get(cacheKey);
    if (!pending) {
      pending = this.fetchSecret(namespace, name, field).finally(() =>
        this.reading.delete(cacheKey),
      );
      this.reading.set(cacheKey, pending);
    }
    return pending;
  }

  private async fetchSecret(
    namespace: string,
    name: string,
    field: string,
  ): Promise<CachedSecret | SecretKeyResult> {
    try {
      const secret = await this.core.readNamespacedSecret({ name, namespace });
      const data: Record<string, string> = {};
      for (const [key, encoded] of Object.entries(secret.data ?? {})) {
        data[key] = Buffer.from(encoded, 'base64').toString('utf8');
      }
      const entry = { data, expiresAt: this.clock.now() + this.ttlMs };
      this.cache.set(`${namespace}/${name}`, entry);
      return entry;
    } catch (error) {
      this.cache.delete(`${namespace}/${name}`);
      if (apiStatusCode(error) === 404) {
        return {
          ok: false,
          reason: 'SecretNotFound',
          message: `Secret "${name}" not found in namespace "${namespace}" (${field}.name); create it or fix the reference`,
          retryable: true,
        };
      }
      return {
        ok: false,
        reason: 'SecretReadFailed',
        message: `reading Secret "${name}" in namespace "${namespace}" failed: ${describeApiError(error)}`,
        retryable: true,
      };
    }
  }
}
