import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import type { Notifier } from '../api/notifier.ts';
import type { Logger } from '../util/log.ts';
import type { Announcer } from './announcer.ts';
import { apiStatusCode, describeApiError } from './kube.ts';

/** Label of the ConfigMaps that hold the ledger. */
export const ledgerLabel = 'herald.dev/ledger';

interface LedgerEntry {
  name: string;
  namespace: string;
  app: string;
  platform: string;
  generation: number;
}

interface LedgerPage {
  configMap: V1ConfigMap | undefined;
  entries: Map<string, LedgerEntry>;
}

/**
 * The notifiers the operator has reported with notifier_added and notifier_edited, kept in one
 * ConfigMap per watched namespace (`herald-notifiers.<namespace>`) in the operator's own
 * namespace. Comparing it with the notifiers that exist tells what changed while the operator was
 * down, so each addition, edit and removal is reported once, without finalizers that would keep
 * Notifiers from being deleted once Herald is uninstalled.
 *
 * NOTE: a ConfigMap holds at most 1 MiB, about 10,000 notifiers of one namespace.
 */
export class NotifierLedger {
  private readonly core: CoreV1Api;
  private readonly ledgerNamespace: string;
  private readonly announcer: Announcer;
  private readonly logger: Logger;
  private readonly pages = new Map<string, LedgerPage>();
  /** Every ledger change runs after the previous one, so writes never race each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: {
    core: CoreV1Api;
    ledgerNamespace: string;
    announcer: Announcer;
    logger: Logger;
  }) {
    this.core = options.core;
    this.ledgerNamespace = options.ledgerNamespace;
    this.announcer = options.announcer;
    this.logger = options.logger;
  }

  /**
   * Loads the ledger and reports what changed while the operator was down: notifiers that are
   * gone, new or edited. `present` contains the uid of every Notifier the informers list, usable or
   * not, and `current` the usable ones.
   */
  start(present: ReadonlySet<string>, current: readonly Notifier[]): Promise<void> {
    return this.enqueue(async () => {
      const list = await this.core.listNamespacedConfigMap({
        namespace: this.ledgerNamespace,
        labelSelector: `${ledgerLabel}=notifiers`,
      });
      for (const configMap of list.items) {
        const namespace = configMap.metadata?.annotations?.[`${ledgerLabel}-namespace`];
        if (namespace) this.pages.set(namespace, { configMap, entries: parseEntries(configMap) });
      }

      await this.compare(present, current);
    });
  }

  /** Reports what the informers show that the ledger does not know yet, for the periodic resync. */
  reconcile(present: ReadonlySet<string>, current: readonly Notifier[]): Promise<void> {
    return this.enqueue(() => this.compare(present, current));
  }

  private async compare(present: ReadonlySet<string>, current: readonly Notifier[]): Promise<void> {
    for (const [namespace, page] of this.pages) {
      for (const [uid, entry] of page.entries) {
        if (!present.has(uid)) await this.reportRemoved(namespace, uid, entry);
      }
    }
    for (const notifier of current) await this.reportChange(notifier);
  }

  /** Reports an added or edited Notifier once. */
  observe(notifier: Notifier): Promise<void> {
    return this.enqueue(() => this.reportChange(notifier));
  }

  /** Reports a deleted Notifier once. */
  removed(namespace: string, uid: string): Promise<void> {
    return this.enqueue(async () => {
      const entry = this.pages.get(namespace)?.entries.get(uid);
      if (entry) await this.reportRemoved(namespace, uid, entry);
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((error: unknown) => {
      this.logger.error({ error: describeApiError(error) }, 'updating the notifier ledger failed');
    });
    this.queue = next;
    return next;
  }

  private async reportChange(notifier: Notifier): Promise<void> {
    const { namespace, uid, generation, name } = notifier.metadata;
    const page = this.page(namespace);
    const entry = page.entries.get(uid);
    if (entry && entry.generation >= generation) return;

    await this.announcer.announce({
      namespace,
      app: notifier.spec.app,
      type: entry ? 'notifier_edited' : 'notifier_added',
      key: `${uid}/${entry ? generation : 'added'}`,
      data: { notifier: name, platform: notifier.spec.platform, generation },
    });
    page.entries.set(uid, {
      name,
      namespace,
      app: notifier.spec.app,
      platform: notifier.spec.platform,
      generation,
    });
    await this.save(namespace, page);
  }

  private async reportRemoved(namespace: string, uid: string, entry: LedgerEntry): Promise<void> {
    await this.announcer.announce({
      namespace,
      app: entry.app,
      type: 'notifier_removed',
      key: `${uid}/removed`,
      data: { notifier: entry.name, platform: entry.platform },
    });
    const page = this.page(namespace);
    page.entries.delete(uid);
    await this.save(namespace, page);
  }

  private page(namespace: string): LedgerPage {
    let page = this.pages.get(namespace);
    if (!page) {
      page = { configMap: undefined, entries: new Map() };
      this.pages.set(namespace, page);
    }
    return page;
  }

  /** Writes a namespace's page; on a conflict, merges with the stored copy and tries again. */
  private async save(namespace: string, page: LedgerPage): Promise<void> {
    const data: Record<string, string> = {};
    for (const [uid, entry] of page.entries) data[uid] = JSON.stringify(entry);
    const name = `herald-notifiers.${namespace}`;
    const body: V1ConfigMap = {
      metadata: {
        name,
        namespace: this.ledgerNamespace,
        labels: { [ledgerLabel]: 'notifiers' },
        annotations: { [`${ledgerLabel}-namespace`]: namespace },
        ...(page.configMap?.metadata?.resourceVersion
          ? { resourceVersion: page.configMap.metadata.resourceVersion }
          : {}),
      },
      data,
    };
    try {
      page.configMap = page.configMap
        ? await this.core.replaceNamespacedConfigMap({
            name,
            namespace: this.ledgerNamespace,
            body,
          })
        : await this.core.createNamespacedConfigMap({ namespace: this.ledgerNamespace, body });
    } catch (error) {
      const code = apiStatusCode(error);
      if (code !== 409) throw error;
      // Another writer changed the page: the one that exists is read, and the next save retries.
      page.configMap = await this.core.readNamespacedConfigMap({
        name,
        namespace: this.ledgerNamespace,
      });
      page.configMap.data = data;
      page.configMap = await this.core.replaceNamespacedConfigMap({
        name,
        namespace: this.ledgerNamespace,
        body: page.configMap,
      });
    }
  }
}

function parseEntries(configMap: V1ConfigMap): Map<string, LedgerEntry> {
  const entries = new Map<string, LedgerEntry>();
  for (const [uid, text] of Object.entries(configMap.data ?? {})) {
    try {
      entries.set(uid, JSON.parse(text) as LedgerEntry);
    } catch {
      // An entry that is not JSON was not written by Herald; it is dropped at the next save.
    }
  }
  return entries;
}
