import type { CustomObjectsApi } from '@kubernetes/client-node';
import { appEventNames, group, version } from '../api/group.ts';
import { apiStatusCode } from '../operator/kube.ts';
import type { AlertAppEvent } from './alert-events.ts';

/** Whether an AppEvent was created now or already existed under its name. */
export type CreateOutcome = 'created' | 'exists';

/** Creates the AppEvents of alerts. */
export interface AppEventCreator {
  /**
   * Creates `event`. An existing AppEvent of the same name counts as done, because alert event
   * names are deterministic: it is this notification, created before a restart or a failed
   * status write. Rejects on any other API error.
   */
  create(event: AlertAppEvent): Promise<CreateOutcome>;
}

/** Creates AppEvents through the Kubernetes API. */
export function createAppEventCreator(api: CustomObjectsApi): AppEventCreator {
  return {
    async create(event) {
      try {
        await api.createNamespacedCustomObject({
          group,
          version,
          plural: appEventNames.plural,
          namespace: event.metadata.namespace,
          body: event,
        });
        return 'created';
      } catch (error) {
        if (apiStatusCode(error) === 409) return 'exists';
        throw error;
      }
    },
  };
}
