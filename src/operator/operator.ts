import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { AppEventStatus } from '../api/app-event.ts';
import type { AppStatus } from '../api/app.ts';
import { appEventNames, appNames, group, notifierNames, version } from '../api/group.ts';
import type { NotifierStatus } from '../api/notifier.ts';
import { channels } from '../channels/registry.ts';
import { createHttpSender } from '../delivery/http-sender.ts';
import { createMailSender, type MailSender } from '../delivery/mail-sender.ts';
import { NotifierQueues } from '../delivery/notifier-queue.ts';
import { RoutingTable } from '../routing/routing-table.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import type { OperatorConfig } from './config.ts';
import { AppController } from './app-controller.ts';
import { Dispatcher } from './dispatcher.ts';
import { EventController } from './event-controller.ts';
import { ResilientInformer } from './informer.ts';
import { createKubeClients, type KubeClients } from './kube.ts';
import { NotifierController } from './notifier-controller.ts';
import { SecretReader } from './secrets.ts';
import type { ObjectWithStatus } from './status-writer.ts';
import { StatusWriter } from './status-writer.ts';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  config: OperatorConfig;
  logger?: Logger;
  clock?: Clock;
}

/** A started operator. */
export interface RunningOperator {
  readonly routing: RoutingTable;
  /** Informer restarts after API errors, for tests and metrics. */
  informerRestarts(): number;
  /** Stops watching and sending; deliveries under way stay Pending for the next start. */
  stop(): Promise<void>;
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

  const routing = new RoutingTable();
  const http = createHttpSender({
    timeoutMs: config.httpTimeoutMs,
    allowLinkLocal: config.allowLinkLocal,
  });
  const mail = config.smtp ? createMail(config) : undefined;
  const queues = new NotifierQueues({ clock });
  // The App controller and the notifier controller refer to each other: apps give email
  // recipients, notifiers are re-checked when their App changes.
  let apps: AppController | undefined;
  const notifiers = new NotifierController({
    apps: (namespace, app) => apps?.get(namespace, app),
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
  });
  const events = new EventController({
    routing,
    statusWriter: eventStatusWriter,
    scheduler: dispatcher,
    maxAgeMs: config.eventMaxAgeMs,
    clock,
    logger,
  });

  const scopes = config.namespaces.length > 0 ? config.namespaces : [undefined];
  const notifierInformers = scopes.map((namespace) =>
    informer<NotifierObject>(clients, notifierNames.plural, namespace, clock, logger, {
      add: (object) => notifiers.upsert(object),
      update: (object) => notifiers.upsert(object),
      delete: (object) => {
        notifiers.remove(object);
        apps?.notifierRemoved(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
      },
    }),
  );
  apps = new AppController({
    api: clients.customObjects,
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
      add: onEvent,
      update: onEvent,
      delete: (object) => {
        dispatcher.forget(object.metadata?.uid ?? '');
        events.remove(object);
      },
    }),
  );

  // Routing decisions need every notifier, so events are watched only once notifiers are listed.
  await Promise.all([...notifierInformers, ...appInformers].map((each) => each.start()));
  await Promise.all(eventInformers.map((each) => each.start()));
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
      for (const each of eventInformers) {
        for (const object of each.list()) events.upsert(object);
      }
    }
  })();

  return {
    routing,
    informerRestarts: () =>
      [...notifierInformers, ...appInformers, ...eventInformers].reduce(
        (sum, each) => sum + each.restarts,
        0,
      ),
    async stop() {
      resync.abort();
      dispatcher.stop();
      await Promise.all(
        [...notifierInformers, ...appInformers, ...eventInformers].map((each) => each.stop()),
      );
      await resyncLoop;
      await queues.close();
      await http.close();
      mail?.close();
      logger.info({}, 'operator stopped');
    },
  };
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
  });
}

function statusWriter<S>(clients: KubeClients, plural: string, logger: Logger): StatusWriter<S> {
  return new StatusWriter<S>({ api: clients.customObjects, group, version, plural, logger });
}

function isFinal(object: AppEventObject): boolean {
  const phase = object.status?.phase;
  return phase !== undefined && phase !== 'Pending';
}

function informer<T extends KubernetesObject>(
  clients: KubeClients,
  plural: string,
  namespace: string | undefined,
  clock: Clock,
  logger: Logger,
  handlers: { add: (object: T) => void; update: (object: T) => void; delete: (object: T) => void },
): ResilientInformer<T> {
  const base = `/apis/${group}/${version}`;
  const path = namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
  const list = async () =>
    (namespace
      ? await clients.customObjects.listNamespacedCustomObject({
          group,
          version,
          namespace,
          plural,
        })
      : await clients.customObjects.listClusterCustomObject({
          group,
          version,
          plural,
        })) as KubernetesListObject<T>;
  return new ResilientInformer<T>({
    kubeConfig: clients.config,
    path,
    list,
    handlers,
    clock,
    logger,
  });
}
