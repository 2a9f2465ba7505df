import { createHash } from 'node:crypto';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { apiVersion, appEventNames, group, version } from '../api/group.ts';
import type { EventType } from '../api/event-types.ts';
import type { Logger } from '../util/log.ts';
import { apiStatusCode } from './kube.ts';

/** Label on the AppEvents the operator records about changes it witnessed. */
export const emittedByLabel = 'herald.dev/emitted-by';

/** One change the operator witnessed, to record as an AppEvent. */
export interface Announcement {
  namespace: string;
  app: string;
  type: EventType;
  /**
   * Identifies the change, such as a notifier's uid and generation. The AppEvent's name is derived
   * from it, so recording the same change twice, for example after a restart, creates one event.
   */
  key: string;
  data: Record<string, unknown>;
  occurredAt?: string;
}

/**
 * Records the changes the operator witnesses (notifiers added, edited, removed; collaborators
 * invited, accepted, removed, given another role) as ordinary AppEvents, routed like any other.
 */
export class Announcer {
  private readonly api: CustomObjectsApi;
  private readonly logger: Logger;

  constructor(options: { api: CustomObjectsApi; logger: Logger }) {
    this.api = options.api;
    this.logger = options.logger;
  }

  /** Creates the AppEvent of a change unless it exists already. */
  async announce(announcement: Announcement): Promise<void> {
    const digest = createHash('sha256').update(announcement.key).digest('hex').slice(0, 16);
    const name = `${announcement.type.replaceAll('_', '-')}-${digest}`;
    const body = {
      apiVersion,
      kind: appEventNames.kind,
      metadata: {
        name,
        namespace: announcement.namespace,
        labels: { [emittedByLabel]: 'herald-operator' },
      },
      spec: {
        app: announcement.app,
        type: announcement.type,
        actor: 'herald-operator',
        data: announcement.data,
        ...(announcement.occurredAt ? { occurredAt: announcement.occurredAt } : {}),
      },
    };
    try {
      await this.api.createNamespacedCustomObject({
        group,
        version,
        plural: appEventNames.plural,
        namespace: announcement.namespace,
        body,
      });
      this.logger.info(
        {
          namespace: announcement.namespace,
          app: announcement.app,
          event: name,
          type: announcement.type,
        },
        'recorded a witnessed change as an app event',
      );
    } catch (error) {
      // 409: this change was recorded before, by this process or one before a restart.
      if (apiStatusCode(error) !== 409) throw error;
    }
  }
}
