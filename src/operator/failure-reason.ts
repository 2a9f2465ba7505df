import type { AttemptResult } from '../channels/types.ts';

/** Reasons of failed attempts by the error code in their message. */
const reasonsByCode: Record<string, string> = {
  ECONNREFUSED: 'ConnectionFailed',
  ECONNRESET: 'ConnectionFailed',
  EPIPE: 'ConnectionFailed',
  UND_ERR_SOCKET: 'ConnectionFailed',
  UND_ERR_CLOSED: 'ConnectionFailed',
  EHOSTUNREACH: 'ConnectionFailed',
  ENETUNREACH: 'ConnectionFailed',
  ECONNECTION: 'ConnectionFailed',
  ESOCKET: 'ConnectionFailed',
  ETIMEDOUT: 'Timeout',
  UND_ERR_CONNECT_TIMEOUT: 'Timeout',
  UND_ERR_HEADERS_TIMEOUT: 'Timeout',
  UND_ERR_BODY_TIMEOUT: 'Timeout',
  ENOTFOUND: 'DNSFailed',
  EAI_AGAIN: 'DNSFailed',
  EDNS: 'DNSFailed',
  ETLS: 'TLSFailed',
  CERT_HAS_EXPIRED: 'TLSFailed',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLSFailed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLSFailed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLSFailed',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLSFailed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLSFailed',
  ERR_INVALID_URL: 'InvalidDestination',
};

/** When a message contains several codes, such as "(ESOCKET, CERT_HAS_EXPIRED)", the first here wins. */
const reasonPriority = [
  'TLSFailed',
  'DNSFailed',
  'Timeout',
  'InvalidDestination',
  'ConnectionFailed',
];

/** Reasons of failed attempts by the start of their message, for messages without a code. */
const reasonsByPrefix: ReadonlyArray<[string, string]> = [
  ['timed out', 'Timeout'],
  ['blocked address', 'BlockedAddress'],
  ['cancelled', 'Cancelled'],
  ['SMTP authentication failed', 'SMTPAuthFailed'],
  ['SMTP server replied', 'SMTPRejected'],
  ['SMTP server rejected', 'SMTPRejected'],
  ['SMTP message rejected', 'SMTPRejected'],
];

/**
 * Maps the outcome of an attempt to a short CamelCase reason: the `reason` label of
 * herald_notifications_failed_total and the reason of the Kubernetes Event. The values form a
 * small fixed set, so neither carries the error text. `destinationReason` is the reason the
 * notifier controller gave when it could not resolve where to deliver, and wins when set.
 */
export function failureReason(result: AttemptResult, destinationReason?: string): string {
  if (result.ok) return 'Delivered';
  if (destinationReason) return destinationReason;

  const status = result.status;
  if (status === 429) return 'RateLimited';
  if (status !== undefined && status >= 300 && status < 400) return 'Redirected';
  if (status !== undefined && status >= 400 && status < 500) return 'HTTPClientError';
  if (status !== undefined && status >= 500) return 'HTTPServerError';

  for (const [prefix, reason] of reasonsByPrefix) {
    if (result.error.startsWith(prefix)) return reason;
  }
  const found = new Set<string>();
  for (const match of result.error.matchAll(/\b[A-Z][A-Z0-9_]{2,}\b/g)) {
    const reason = reasonsByCode[match[0]];
    if (reason) found.add(reason);
  }
  return reasonPriority.find((reason) => found.has(reason)) ?? 'Other';
}
