import type { Platform } from '../api/platforms.ts';
import { validateWebhookUrl } from '../delivery/address-policy.ts';
import type { AttemptResult, Channel, ChannelContext, Destination, Notification } from './types.ts';

/** The rendering and extra headers of one JSON-over-HTTP channel. */
export interface JsonChannelSpec {
  platform: Platform;
  /** Builds the JSON payload. */
  render(notification: Notification): unknown;
  /** Extra request headers for a serialised body, such as a signature. */
  headers?(
    notification: Notification,
    body: string,
    destination: Destination,
    context: ChannelContext,
  ): Record<string, string>;
}

/**
 * Checks that a destination has a usable webhook URL. Only the URL's form is checked here. The
 * address policy (link-local and metadata addresses) applies when the sender connects, because
 * only the sender is configured with whether the operator allows link-local addresses.
 */
export function checkWebhookDestination(destination: Destination): string | undefined {
  if (!destination.url) return 'url is missing; set the webhook URL of the notifier';

  const problem = validateWebhookUrl(destination.url, { allowLinkLocal: true });
  return problem === undefined ? undefined : `url is invalid: ${problem}`;
}

/**
 * URLs that passed checkWebhookDestination, so that a delivery does not parse its URL twice
 * (the sender parses it again). It keeps at most maxCheckedUrls entries and starts over when
 * full. The URLs are secrets: the set only lives in memory and is never logged.
 */
const checkedUrls = new Set<string>();
const maxCheckedUrls = 1000;

function checkDeliveryUrl(destination: Destination): string | undefined {
  if (destination.url !== undefined && checkedUrls.has(destination.url)) return undefined;

  const problem = checkWebhookDestination(destination);
  if (problem === undefined && destination.url !== undefined) {
    if (checkedUrls.size >= maxCheckedUrls) checkedUrls.clear();
    checkedUrls.add(destination.url);
  }
  return problem;
}

/** Creates a channel that POSTs its rendered payload as JSON to the destination URL. */
export function createJsonChannel(spec: JsonChannelSpec): Channel {
  return {
    platform: spec.platform,
    checkDestination: checkWebhookDestination,
    deliver: async (notification, destination, context): Promise<AttemptResult> => {
      const problem = checkDeliveryUrl(destination);
      if (problem !== undefined || destination.url === undefined) {
        return { ok: false, retryable: false, error: problem ?? 'url is missing' };
      }

      const body = JSON.stringify(spec.render(notification));
      const headers = {
        'content-type': 'application/json',
        ...spec.headers?.(notification, body, destination, context),
      };
      return context.http.post(destination.url, body, headers, context.signal);
    },
  };
}
