import { hostname } from 'node:os';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { startAlerts } from '../alerts/alert-operator.ts';
import type { AppEventStatus } from '../api/app-event.ts';
import type { AppStatus } from '../api/app.ts';
import { appEventNames, appNames, group, notifierNames, version } from '../api/group.ts';
import type { NotifierStatus } from '../api/notifier.ts';
import { channels } from '../channels/registry.ts';
import { createHttpSender } from '../delivery/http-sender.ts';
import { createMailSender, type MailSender } from '../delivery/mail-sender.ts';
import { NotifierQueues } from '../delivery/notifier-queue.ts';
import { withDefaultCertificates } from '../delivery/tls-trust.ts';
import { RoutingTable } from '../routing/routing-table.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import type { OperatorConfig } from './config.ts';
import { Announcer } from './announcer.ts';
import { AppController } from './app-controller.ts';
import { CrashCounter } from './crash-counter.ts';
import { combineObservers } from './delivery-observer.ts';
import { Dispatcher } from './dispatcher.ts';
import { EventController } from './event-controller.ts';
import { EventRecorder } from './event-recorder.ts';
import { heraldInformer as informer } from './informer.ts';
import { createKubeClients, type KubeClients } from './kube.ts';
import { createMetrics, type HeraldMetrics } from './metrics.ts';
import { NotifierController } from './notifier-controller.ts';
import { NotifierEvents } from './notifier-events.ts';
import { NotifierLedger } from './notifier-ledger.ts';
import { EventRetention } from './retention.ts';
import { SecretReader } from './secrets.ts';
import type { ObjectWithStatus } from './status-writer.ts';
import { StatusWriter } from './status-writer.ts';
import { testNotification } from './test-notification.ts';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  config: OperatorConfig;
  logger?: Logger;
  clock?: Clock;
  /** Metrics to update; the operator keeps metrics of its own when unset. */
  metrics?: HeraldMetrics;
  /** This replica's identity, the reportingInstance of its Events; the host name when unset. */
  identity?: string;
}

/** Options of RunningOperator.stop. */
export interface StopOptions {
  /**
   * Time deliveries in flight get to finish and be recorded, in ms; 0, the default, aborts them
   * at once. Either way, deliveries not finished stay Pending for the next start.
   */
  drainTimeoutMs?: number;
  /** Ends the drain at once when aborted, as when the lease is lost while stopping. */
  abortSignal?: AbortSignal;
}

/** A started operator. */
export interface RunningOperator {
  readonly routing: RoutingTable;
  /** Informer restarts after API errors, for tests and metrics. */
  informerRestarts(): number;
  /**
   * Stops watching, so no new event is taken, and stops sending as StopOptions specify. Deliveries
   * not finished stay Pending for the next start.
   */
  stop(options?: StopOptions): Promise<void>;
}

type NotifierObject = KubernetesObject & ObjectWithStatus<NotifierStatus>;
type AppEventObject = KubernetesObject & ObjectWithStatus<AppEventStatus>;
type AppObject = KubernetesObject & ObjectWithStatus<AppStatus>;

/**
 * Starts the operator: Notifier informers fill the routing table first, then AppEvent informers
 * feed the event controller, and a periodic resync re-checks failing notifiers and requeues
 * deliveries that are still pending. Resolves once both kinds are listed.
 */
export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const clients = createKubeClients(options.kubeConfig);
  const metrics = options.metrics ?? createMetrics();
  const recorder = new EventRecorder({
    core: clients.core,
    component: 'herald-operator',
    instance: options.identity ?? hostname(),
    clock,
    logger,
  });
  const notifierEvents = new NotifierEvents(recorder);

  const routing = new RoutingTable();
  const http = createHttpSender({
    timeoutMs: config.httpTimeoutMs,
    allowLinkLocal: config.allowLinkLocal,
    ...(config.caBundle ? { ca: config.caBundle } : {}),
    ...(config.proxy ? { proxy: config.proxy } : {}),
  });
  const mail = config.smtp ? createMail(config) : undefined;
  const queues = new NotifierQueues({ clock });
  // The App controller and the notifier controller refer to each other: apps give email
  // recipients, notifiers are re-checked when their App changes.
  let apps: AppController | undefined;
  const notifiers = new NotifierController({
    apps: (namespace, app) => apps?.get(namespace, app),
    sendTest: async (notifier, platform, destination) => {
      const channel = channels.get(platform);
      if (!channel) return { ok: false, retryable: false, error: `no channel for ${platform}` };
      const now = new Date(clock.now());
      return channel.deliver(testNotification(notifier, now, config.dashboardUrl), destination, {
        http,
        ...(mail ? { mail } : {}),
        now: () => new Date(clock.now()),
      });
    },
    routing,
    secrets: new SecretReader({ core: clients.core, clock, ttlMs: config.secretCacheTtlMs }),
    statusWriter: statusWriter<NotifierStatus>(clients, notifierNames.plural, logger),
    channels,
    allowLinkLocal: config.allowLinkLocal,
    smtpConfigured: mail !== undefined,
    failureThreshold: config.failureThreshold,
    clock,
    logger,
  });
  const eventStatusWriter = statusWriter<AppEventStatus>(clients, appEventNames.plural, logger);
  const dispatcher = new Dispatcher({
    queues,
    notifiers,
    statusWriter: eventStatusWriter,
    channels,
    context: mail ? { http, mail } : { http },
    ...(config.dashboardUrl ? { dashboardUrl: config.dashboardUrl } : {}),
    maxAttempts: config.maxAttempts,
    retryBaseDelayMs: config.retryBaseDelayMs,
    retryMaxDelayMs: config.retryMaxDelayMs,
    clock,
    logger,
    observer: combineObservers(metrics.deliveryObserver, notifierEvents.deliveryObserver),
  });
  const events = new EventController({
    routing,
    statusWriter: eventStatusWriter,
    scheduler: dispatcher,
    maxAgeMs: config.eventMaxAgeMs,
    crashes: new CrashCounter({ quietPeriodMs: config.crashQuietPeriodMs }),
    clock,
    logger,
  });

  const announcer = new Announcer({ api: clients.customObjects, logger });
  const ledger = new NotifierLedger({
    core: clients.core,
    ledgerNamespace: config.operatorNamespace,
    announcer,
    logger,
  });
  // Until the ledger is loaded, changes are found by comparing it with the listed notifiers.
  let ledgerStarted = false;
  const onNotifier = (object: NotifierObject) => {
    notifiers.upsert(object);
    notifierEvents.notifierChanged(object);
    const notifier = notifiers.get(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
    if (ledgerStarted && notifier) void ledger.observe(notifier);
  };

  const scopes = config.namespaces.length > 0 ? config.namespaces : [undefined];
  const notifierInformers = scopes.map((namespace) =>
    informer<NotifierObject>(clients, notifierNames.plural, namespace, clock, logger, {
      add: onNotifier,
      update: onNotifier,
      delete: (object) => {
        notifiers.remove(object);
        dispatcher.notifierRemoved(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
        notifierEvents.notifierRemoved(object);
        if (ledgerStarted) {
          void ledger.removed(object.metadata?.namespace ?? '', object.metadata?.uid ?? '');
        }
        apps?.notifierRemoved(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
      },
    }),
  );
  apps = new AppController({
    api: clients.customObjects,
    announcer,
    statusWriter: statusWriter<AppStatus>(clients, appNames.plural, logger),
    notifier: (namespace, name) => {
      for (const each of notifierInformers) {
        const found = each.get(name, namespace);
        if (found) return found;
      }
      return undefined;
    },
    onAppChanged: (namespace, app) => notifiers.refreshApp(namespace, app),
    clock,
    logger,
  });
  const appController = apps;
  const appInformers = scopes.map((namespace) =>
    informer<AppObject>(clients, appNames.plural, namespace, clock, logger, {
      add: (object) => appController.upsert(object),
      update: (object) => appController.upsert(object),
      delete: (object) => appController.remove(object),
    }),
  );
  const onEvent = (object: AppEventObject) => {
    if (isFinal(object)) dispatcher.forget(object.metadata?.uid ?? '');
    events.upsert(object);
  };
  const eventInformers = scopes.map((namespace) =>
    informer<AppEventObject>(clients, appEventNames.plural, namespace, clock, logger, {
      add: (object) => {
        if (!object.status?.phase) metrics.eventsReceived.inc();
        onEvent(object);
      },
      update: onEvent,
      delete: (object) => {
        dispatcher.cancel(object.metadata?.uid ?? '');
        events.remove(object);
      },
    }),
  );

  // Routing decisions need every notifier, so events are watched only once notifiers are listed.
  // Apps first, so that the first check of an email notifier's recipients finds its App.
  await Promise.all(appInformers.map((each) => each.start()));
  await Promise.all(notifierInformers.map((each) => each.start()));
  const notifierUids = () =>
    new Set(
      notifierInformers.flatMap((each) => each.list().map((object) => object.metadata?.uid ?? '')),
    );
  await ledger.start(notifierUids(), notifiers.all());
  ledgerStarted = true;
  await Promise.all(eventInformers.map((each) => each.start()));
  const { namespaces } = config;
  const alertOptions = {
    clients,
    config: config.alerts,
    namespaces,
    clock,
    logger,
    metrics,
    appMetrics: (namespace: string, app: string) => appController.get(namespace, app)?.spec.metrics,
    recorder,
  };
  const alerts = await startAlerts(alertOptions);
  const retention = new EventRetention({
    api: clients.customObjects,
    list: () => eventInformers.flatMap((each) => each.list()),
    retentionMs: config.eventRetentionMs,
    clock,
    logger,
  });
  if (config.eventRetentionMs > 0) retention.start();
  logger.info({ namespaces: config.namespaces, notifiers: routing.size }, 'operator started');

  const resync = new AbortController();
  const resyncLoop = (async () => {
    for (;;) {
      try {
        await clock.sleep(config.resyncIntervalMs, resync.signal);
      } catch {
        return;
      }
      await notifiers.recheckNotReady();
      await appController.resync();
      await ledger.reconcile(notifierUids(), notifiers.all());
      for (const each of eventInformers) {
        for (const object of each.list()) events.upsert(object);
      }
    }
  })();

  const running: RunningOperator = {
    routing,
    informerRestarts: () =>
      [...notifierInformers, ...appInformers, ...eventInformers].reduce(
        (sum, each) => sum + each.restarts,
        0,
      ),
    async stop(stopOptions = {}) {
      const draining = dispatcher.drain(stopOptions.drainTimeoutMs ?? 0, stopOptions.abortSignal);
      resync.abort();
      await alerts.stop();
      await Promise.all(
        [...notifierInformers, ...appInformers, ...eventInformers].map((each) => each.stop()),
      );
      await draining;
      await retention.stop();
      await resyncLoop;
      await queues.close();
      await http.close();
      mail?.close();
      await recorder.close();
      logger.info({}, 'operator stopped');
    },
  };
  metrics.track({
    queueDepth: () => dispatcher.pending,
    routingTableSize: () => routing.size,
    watchRestarts: () => running.informerRestarts(),
  });
  return running;
}

function createMail(config: OperatorConfig): MailSender | undefined {
  const smtp = config.smtp;
  if (!smtp) return undefined;
  return createMailSender({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    ...(smtp.user && smtp.password ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
    from: smtp.from,
    timeoutMs: config.httpTimeoutMs,
    tls: {
      rejectUnauthorized: !config.smtpInsecureSkipTlsVerify,
      ...(config.caBundle ? { ca: withDefaultCertificates(config.caBundle).join('\n') } : {}),
    },
  });
}

function statusWriter<S>(clients: KubeClients, plural: string, logger: Logger): StatusWriter<S> {
  return new StatusWriter<S>({ api: clients.customObjects, group, version, plural, logger });
}

function isFinal(object: AppEventObject): boolean {
  const phase = object.status?.phase;
  return phase !== undefined && phase !== 'Pending';
}
