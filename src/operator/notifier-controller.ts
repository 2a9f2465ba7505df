import type { AttemptResult, Channel, Destination } from '../channels/types.ts';
import {
  parseNotifier,
  testAnnotation,
  type Notifier,
  type NotifierStatus,
} from '../api/notifier.ts';
import type { Platform } from '../api/platforms.ts';
import { validateWebhookUrl } from '../delivery/address-policy.ts';
import { routeFromNotifier, type RoutingTable } from '../routing/routing-table.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import { conditionMatches, setCondition, type ConditionValue } from './conditions.ts';
import { resolveRecipients, type AppLookup } from './recipients.ts';
import type { SecretReader } from './secrets.ts';
import type { ObjectWithStatus, StatusWriter } from './status-writer.ts';

/** A notifier's destination, or the reason it cannot deliver yet. Messages contain no secret. */
export type DestinationResult =
  | { ok: true; platform: Platform; destination: Destination }
  | { ok: false; reason: string; message: string; retryable: boolean };

export interface NotifierControllerOptions {
  routing: RoutingTable;
  secrets: SecretReader;
  statusWriter: StatusWriter<NotifierStatus>;
  channels: ReadonlyMap<Platform, Channel>;
  /** The App of an app name, for the owner and collaborator recipients of email notifiers. */
  apps?: AppLookup;
  /** Sends a test notification; the operator provides it with its HTTP and mail senders. */
  sendTest?: (
    notifier: Notifier,
    platform: Platform,
    destination: Destination,
  ) => Promise<AttemptResult>;
  /** Whether webhooks may target link-local and cloud metadata addresses. */
  allowLinkLocal: boolean;
  /** Whether an SMTP server is configured; email notifiers are not Ready without one. */
  smtpConfigured: boolean;
  /** Final delivery failures in a row after which Ready turns False. */
  failureThreshold: number;
  clock: Clock;
  logger: Logger;
}

interface NotifierState {
  object: ObjectWithStatus<NotifierStatus>;
  notifier: Notifier | undefined;
  consecutiveFailures: number;
  lastFailure: string | undefined;
  /** The generation whose spec problem was logged, so a bad spec is logged once. */
  loggedInvalidGeneration: number | undefined;
}

/**
 * Keeps the routing table in step with the Notifiers in the cluster and writes each Notifier's
 * Ready condition when its content changes: a bad spec, a missing Secret or key, an unusable
 * URL, no recipients, or deliveries failing repeatedly.
 */
export class NotifierController {
  private readonly options: NotifierControllerOptions;
  private readonly states = new Map<string, NotifierState>();
  /** Notifiers whose test notification is being sent. */
  private readonly testing = new Set<string>();

  constructor(options: NotifierControllerOptions) {
    this.options = options;
  }

  /** Handles an added or changed Notifier. */
  upsert(object: ObjectWithStatus<NotifierStatus>): void {
    this.options.statusWriter.observe(object);
    const key = keyOf(object);
    const state = this.states.get(key) ?? this.initialState(object);
    const specChanged = state.object.metadata?.generation !== object.metadata?.generation;
    state.object = object;
    if (specChanged) {
      state.consecutiveFailures = 0;
      state.lastFailure = undefined;
    }
    this.states.set(key, state);

    const parsed = parseNotifier(object);
    if (!parsed.ok) {
      state.notifier = undefined;
      this.options.routing.remove(namespaceOf(object), nameOf(object));
      this.logInvalidOnce(state, parsed.message);
      void this.writeReady(state, {
        status: 'False',
        reason: 'InvalidSpec',
        message: parsed.message,
      });
      return;
    }
    state.notifier = parsed.notifier;
    this.options.routing.upsert(routeFromNotifier(parsed.notifier));
    void this.refreshReady(key);
    void this.sendRequestedTest(state, parsed.notifier);
  }

  /**
   * Sends one test notification when the test annotation has a value the status does not
   * record yet, and records the outcome, so each new value sends exactly one.
   */
  private async sendRequestedTest(state: NotifierState, notifier: Notifier): Promise<void> {
    const request = notifier.metadata.annotations?.[testAnnotation];
    const key = `${notifier.metadata.namespace}/${notifier.metadata.name}`;
    if (typeof request !== 'string' || request === '') return;
    if (notifier.status?.lastTest?.request === request || this.testing.has(key)) return;
    if (!this.options.sendTest) return;

    this.testing.add(key);
    try {
      const destination = await this.resolve(notifier);
      const result: AttemptResult = destination.ok
        ? await this.options.sendTest(notifier, destination.platform, destination.destination)
        : { ok: false, retryable: false, error: destination.message };
      const sentAt = new Date(this.options.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      this.options.logger.info(
        {
          namespace: notifier.metadata.namespace,
          notifier: notifier.metadata.name,
          delivered: result.ok,
        },
        'test notification attempted',
      );
      await this.options.statusWriter.update(state.object, (current) => ({
        ...current.status,
        lastTest: {
          request,
          sentAt,
          outcome: result.ok ? 'Delivered' : 'Failed',
          ...(result.ok ? {} : { message: result.error }),
        },
      }));
    } catch (error) {
      this.options.logger.error(
        { namespace: notifier.metadata.namespace, notifier: notifier.metadata.name, err: error },
        'recording a test notification failed',
      );
    } finally {
      this.testing.delete(key);
    }
  }

  /**
   * Starts tracking a notifier. A stored DeliveryFailing condition for the current generation is
   * taken over, so a restart or a new leader does not report a failing notifier as Ready.
   */
  private initialState(object: ObjectWithStatus<NotifierStatus>): NotifierState {
    const ready = object.status?.conditions?.find((condition) => condition.type === 'Ready');
    const failing =
      ready?.reason === 'DeliveryFailing' &&
      ready.observedGeneration === object.metadata?.generation;
    const lastFailure = failing ? ready.message.replace(/^.*?last error: /, '') : undefined;
    return {
      object,
      notifier: undefined,
      consecutiveFailures: failing ? this.options.failureThreshold : 0,
      lastFailure,
      loggedInvalidGeneration: undefined,
    };
  }

  /** Handles a deleted Notifier. */
  remove(object: ObjectWithStatus<NotifierStatus>): void {
    this.options.routing.remove(namespaceOf(object), nameOf(object));
    this.states.delete(keyOf(object));
    this.options.statusWriter.forget(namespaceOf(object), nameOf(object));
  }

  /** Returns every usable Notifier currently known. */
  all(): Notifier[] {
    const notifiers: Notifier[] = [];
    for (const state of this.states.values()) if (state.notifier) notifiers.push(state.notifier);
    return notifiers;
  }

  /** Re-checks the Ready condition of every notifier of an app, after its App changed. */
  refreshApp(namespace: string, app: string): void {
    for (const [key, state] of this.states) {
      if (state.notifier?.metadata.namespace === namespace && state.notifier.spec.app === app) {
        void this.refreshReady(key);
      }
    }
  }

  /** Returns the parsed Notifier known under that name, if it is usable. */
  get(namespace: string, name: string): Notifier | undefined {
    return this.states.get(`${namespace}/${name}`)?.notifier;
  }

  /** Resolves where a notifier delivers right now, reading its Secrets. */
  async destinationFor(namespace: string, name: string): Promise<DestinationResult> {
    const notifier = this.get(namespace, name);
    if (!notifier) {
      return {
        ok: false,
        reason: 'NotifierNotFound',
        message: `Notifier "${name}" no longer exists or is invalid`,
        retryable: false,
      };
    }
    return this.resolve(notifier);
  }

  /** Records the final outcome of one delivery, turning Ready False after repeated failures. */
  recordOutcome(namespace: string, name: string, error: string | undefined): void {
    const state = this.states.get(`${namespace}/${name}`);
    if (!state) return;
    const wasFailing = state.consecutiveFailures >= this.options.failureThreshold;
    if (error === undefined) {
      state.consecutiveFailures = 0;
      state.lastFailure = undefined;
      if (wasFailing) void this.refreshReady(`${namespace}/${name}`);
      return;
    }
    state.consecutiveFailures += 1;
    state.lastFailure = error;
    if (state.consecutiveFailures >= this.options.failureThreshold) {
      void this.refreshReady(`${namespace}/${name}`);
    }
  }

  /** Re-checks every notifier that is not Ready, so a Secret created later is noticed. */
  async recheckNotReady(): Promise<void> {
    const checks: Promise<void>[] = [];
    for (const [key, state] of this.states) {
      const ready = state.object.status?.conditions?.find(
        (condition) => condition.type === 'Ready',
      );
      if (state.notifier && ready?.status !== 'True') checks.push(this.refreshReady(key));
    }
    await Promise.all(checks);
  }

  private async refreshReady(key: string): Promise<void> {
    const state = this.states.get(key);
    if (!state?.notifier) return;
    const value = await this.readiness(state, state.notifier);
    if (this.states.get(key) !== state) return;
    await this.writeReady(state, value);
  }

  private async readiness(
    state: NotifierState,
    notifier: Notifier,
  ): Promise<Omit<ConditionValue, 'type' | 'observedGeneration'>> {
    const destination = await this.resolve(notifier);
    if (!destination.ok) {
      return { status: 'False', reason: destination.reason, message: destination.message };
    }
    if (state.consecutiveFailures >= this.options.failureThreshold) {
      return {
        status: 'False',
        reason: 'DeliveryFailing',
        // The threshold rather than the running count keeps the message, and so the status, unchanged
        // while failures go on.
        message: `${this.options.failureThreshold} or more deliveries in a row failed; last error: ${state.lastFailure}`,
      };
    }
    if (!notifier.spec.active) {
      return {
        status: 'True',
        reason: 'Inactive',
        message: 'configuration is valid; spec.active is false, so no event is delivered',
      };
    }
    return { status: 'True', reason: 'Ready', message: 'ready to deliver' };
  }

  private async resolve(notifier: Notifier): Promise<DestinationResult> {
    const { spec } = notifier;
    const namespace = notifier.metadata.namespace;
    const channel = this.options.channels.get(spec.platform);
    if (!channel) {
      return {
        ok: false,
        reason: 'UnsupportedPlatform',
        message: `spec.platform "${spec.platform}" has no channel in this operator version`,
        retryable: false,
      };
    }

    const destination: Destination = {};
    if (spec.email) {
      const app = this.options.apps?.(namespace, spec.app);
      const recipients = resolveRecipients(spec.email, namespace, spec.app, app);
      if (!recipients.ok) {
        return { ok: false, reason: 'NoRecipients', message: recipients.message, retryable: false };
      }
      destination.recipients = recipients.recipients;
    }
    if (spec.platform === 'email' && !this.options.smtpConfigured) {
      return {
        ok: false,
        reason: 'SmtpNotConfigured',
        message: 'the operator has no SMTP server configured; set --smtp-host (HERALD_SMTP_HOST)',
        retryable: true,
      };
    }
    if (spec.webhook) {
      const url = await this.options.secrets.readKey(
        namespace,
        spec.webhook.urlSecretRef,
        'spec.webhook.urlSecretRef',
      );
      if (!url.ok) return url;
      destination.url = url.value.trim();
      if (spec.webhook.signingSecretRef) {
        const signing = await this.options.secrets.readKey(
          namespace,
          spec.webhook.signingSecretRef,
          'spec.webhook.signingSecretRef',
        );
        if (!signing.ok) return signing;
        destination.signingSecret = signing.value;
      }
    }

    const where = spec.webhook
      ? `webhook URL in Secret "${spec.webhook.urlSecretRef.name}" key "${spec.webhook.urlSecretRef.key}" (spec.webhook.urlSecretRef)`
      : 'spec.email.to';
    const problem = channel.checkDestination(destination);
    if (problem) {
      return {
        ok: false,
        reason: 'InvalidDestination',
        message: `${where}: ${problem}`,
        retryable: false,
      };
    }
    // Host names are checked again after DNS resolution, when the HTTP sender connects.
    const blocked =
      destination.url && !this.options.allowLinkLocal
        ? validateWebhookUrl(destination.url)
        : undefined;
    if (blocked) {
      return {
        ok: false,
        reason: 'BlockedAddress',
        message: `${where}: ${blocked}`,
        retryable: false,
      };
    }
    return { ok: true, platform: spec.platform, destination };
  }

  private async writeReady(
    state: NotifierState,
    value: Omit<ConditionValue, 'type' | 'observedGeneration'>,
  ): Promise<void> {
    const generation = state.object.metadata?.generation;
    const condition: ConditionValue = { type: 'Ready', ...value, observedGeneration: generation };
    try {
      const stored = await this.options.statusWriter.update(state.object, (current) => {
        const status = current.status ?? {};
        if (
          conditionMatches(status.conditions, condition) &&
          status.observedGeneration === generation
        ) {
          return undefined;
        }
        const now = new Date(this.options.clock.now());
        return {
          ...status,
          observedGeneration: generation,
          conditions: setCondition(status.conditions, condition, now),
        };
      });
      if (stored && this.states.get(keyOf(stored)) === state) state.object = stored;
    } catch (error) {
      this.options.logger.error(
        { namespace: namespaceOf(state.object), notifier: nameOf(state.object), err: error },
        'writing notifier status failed',
      );
    }
  }

  private logInvalidOnce(state: NotifierState, message: string): void {
    const generation = state.object.metadata?.generation;
    if (state.loggedInvalidGeneration === generation) return;
    state.loggedInvalidGeneration = generation;
    this.options.logger.warn(
      { namespace: namespaceOf(state.object), notifier: nameOf(state.object), problem: message },
      'notifier spec is invalid; it receives no events until fixed',
    );
  }
}

function namespaceOf(object: ObjectWithStatus<unknown>): string {
  return object.metadata?.namespace ?? '';
}

function nameOf(object: ObjectWithStatus<unknown>): string {
  return object.metadata?.name ?? '';
}

function keyOf(object: ObjectWithStatus<unknown>): string {
  return `${namespaceOf(object)}/${nameOf(object)}`;
}
