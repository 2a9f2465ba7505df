import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';

/**
 * Addresses that a webhook, whose URL any app owner may write, could use to reach the node
 * itself or the cloud provider's instance metadata (and with it the node's credentials).
 * Loopback and the private ranges stay allowed, because in-cluster receivers live there.
 */
const linkLocalAndMetadata = new BlockList();
// IPv4 link-local (RFC 3927). It contains 169.254.169.254, the metadata service of AWS, GCP,
// Azure, OpenStack and others, and 169.254.170.2, the AWS ECS task metadata endpoint.
linkLocalAndMetadata.addSubnet('169.254.0.0', 16, 'ipv4');
// Alibaba Cloud metadata service. It sits in 100.64.0.0/10 (shared address space), which
// otherwise stays allowed.
linkLocalAndMetadata.addAddress('100.100.100.200', 'ipv4');
// IPv6 link-local (RFC 4291).
linkLocalAndMetadata.addSubnet('fe80::', 10, 'ipv6');
// AWS instance metadata service over IPv6 (Nitro instances).
linkLocalAndMetadata.addAddress('fd00:ec2::254', 'ipv6');
// The same IPv4 ranges behind the well-known NAT64 prefix 64:ff9b::/96 (RFC 6052), which a
// NAT64 gateway translates back to the IPv4 address.
linkLocalAndMetadata.addSubnet('64:ff9b::169.254.0.0', 96 + 16, 'ipv6');
linkLocalAndMetadata.addAddress('64:ff9b::100.100.100.200', 'ipv6');

/** Addresses that are never a unicast host to deliver to. */
const nonUnicast = new BlockList();
// "This network" (RFC 1122). Linux connects 0.0.0.0 to the local host.
nonUnicast.addSubnet('0.0.0.0', 8, 'ipv4');
nonUnicast.addSubnet('64:ff9b::0.0.0.0', 96 + 8, 'ipv6');
// IPv4 multicast, the reserved 240.0.0.0/4 and the limited broadcast 255.255.255.255.
nonUnicast.addSubnet('224.0.0.0', 4, 'ipv4');
nonUnicast.addSubnet('240.0.0.0', 4, 'ipv4');
// IPv6 unspecified address and multicast.
nonUnicast.addAddress('::', 'ipv6');
nonUnicast.addSubnet('ff00::', 8, 'ipv6');

/**
 * Reports whether an IP address is blocked as a delivery target: IPv4 and IPv6 link-local, the
 * cloud metadata addresses, unspecified, multicast and reserved addresses. IPv4 rules also match
 * the IPv4-mapped IPv6 forms (`::ffff:169.254.169.254`, `::ffff:a9fe:a9fe`), because Node's
 * BlockList applies them to both. Returns false for anything that is not an IP address.
 */
export function isBlockedAddress(ip: string): boolean {
  return blockedCategory(ip) !== undefined;
}

function blockedCategory(ip: string): 'link-local' | 'non-unicast' | undefined {
  const bare = ip.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return undefined;

  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (linkLocalAndMetadata.check(bare, type)) return 'link-local';
  if (nonUnicast.check(bare, type)) return 'non-unicast';
  return undefined;
}

/** The error that a blocked connection attempt fails with. Its message names only the address. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_HERALD_BLOCKED_ADDRESS';
  readonly address: string;

  constructor(address: string) {
    const reason =
      blockedCategory(address) === 'non-unicast'
        ? 'unspecified, multicast and reserved addresses are not allowed'
        : 'link-local and cloud metadata addresses are not allowed';
    super(`blocked address ${address}: ${reason}`);
    this.name = 'BlockedAddressError';
    this.address = address;
  }
}

/**
 * Wraps a DNS lookup so that it fails with a BlockedAddressError when any resolved address is
 * blocked. Rejecting the whole name, rather than dropping the blocked addresses, keeps a name
 * that mixes a metadata address with a public one from ever reaching the metadata address.
 */
export function createGuardedLookup(lookup: LookupFunction = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }

      const resolved = typeof address === 'string' ? [address] : address.map((a) => a.address);
      const blocked = resolved.find(isBlockedAddress);
      if (blocked !== undefined) {
        callback(new BlockedAddressError(blocked), address, family);
        return;
      }
      callback(null, address, family);
    });
  };
}

/** Options of createGuardedConnector. */
export interface GuardedConnectorOptions {
  /** Connect timeout in milliseconds, 10000 (undici's default) when unset. */
  timeoutMs?: number;
  /** DNS lookup to guard, `dns.lookup` by default. Tests inject a resolver here. */
  lookup?: LookupFunction;
  /**
   * Builds the connector that opens the socket once the literal address check passed; defaults
   * to undici's `buildConnector`. It receives the guarded lookup in its options.
   */
  buildConnector?: (options: buildConnector.BuildOptions) => buildConnector.connector;
}

/**
 * Creates an undici connector that enforces the address policy at connect time. A host that is
 * an IP literal is checked before any socket opens, because Node skips the DNS lookup for IP
 * literals. A host name is resolved through the guarded lookup, so a name that resolves to
 * 169.254.169.254 fails before the connection is attempted.
 */
export function createGuardedConnector(
  options: GuardedConnectorOptions = {},
): buildConnector.connector {
  const build = options.buildConnector ?? buildConnector;
  const connect = build({
    lookup: createGuardedLookup(options.lookup),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });

  return (target, callback) => {
    if (isIP(target.hostname) !== 0 && isBlockedAddress(target.hostname)) {
      callback(new BlockedAddressError(target.hostname), null);
      return;
    }
    connect(target, callback);
  };
}

/** Options of validateWebhookUrl. */
export interface WebhookUrlPolicy {
  /** Accepts link-local, metadata and other blocked IP literals, as the HTTP sender option does. */
  allowLinkLocal?: boolean;
}

/**
 * Checks a webhook URL before any send and returns a message naming the problem and the fix, or
 * undefined when the URL is acceptable. The URL must be absolute, use http or https and carry no
 * user name or password: credentials in a URL end up in logs and proxies, and fetch rejects them.
 * A host that is a blocked IP literal is rejected here already. Host names are checked again at
 * connect time, after DNS resolution. The message never contains the URL, because chat webhook
 * URLs carry a token in their path.
 */
export function validateWebhookUrl(url: string, policy: WebhookUrlPolicy = {}): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the URL is not a valid absolute URL; write it in full, starting with https://';
  }

  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `the URL scheme "${parsed.protocol.slice(0, -1)}" is not supported; use https (or http)`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'the URL contains a user name or password; remove the "user:password@" part';
  }

  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!policy.allowLinkLocal && isBlockedAddress(host)) {
    return new BlockedAddressError(host).message;
  }
  return undefined;
}
