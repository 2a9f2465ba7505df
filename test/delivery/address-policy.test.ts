import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BlockedAddressError,
  createGuardedConnector,
  createGuardedLookup,
  isBlockedAddress,
  validateWebhookUrl,
} from '../../src/delivery/address-policy.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';

/** Creates a resolver that reads a fixed table and never queries DNS. */
function fakeLookup(table: Record<string, string[]>): LookupFunction {
  return (hostname, options, callback) => {
    const addresses = table[hostname];
    if (!addresses) {
      const error = Object.assign(new Error('not in the table'), { code: 'ENOTFOUND' });
      callback(error, '', 0);
      return;
    }
    const entries: LookupAddress[] = addresses.map((address) => ({
      address,
      family: isIP(address),
    }));
    if ((options as LookupAllOptions).all) callback(null, entries);
    else callback(null, entries[0]!.address, entries[0]!.family);
  };
}

/** Returns the `lookup` that a connector was built with. */
function lookupOf(options: buildConnector.BuildOptions | undefined): LookupFunction {
  const lookup = options && 'lookup' in options ? options.lookup : undefined;
  if (!lookup) throw new Error('the connector was built without a lookup');
  return lookup;
}

function lookupOnce(
  lookup: LookupFunction,
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown }> {
  return new Promise((resolve) =>
    lookup(hostname, options, (error, address) => resolve({ error, address })),
  );
}

describe('isBlockedAddress', () => {
  it.each([
    ['169.254.169.254', 'cloud metadata (AWS, GCP, Azure, OpenStack)'],
    ['169.254.170.2', 'AWS ECS task metadata'],
    ['169.254.0.1', 'IPv4 link-local'],
    ['169.254.255.255', 'end of IPv4 link-local'],
    ['100.100.100.200', 'Alibaba Cloud metadata'],
    ['fd00:ec2::254', 'AWS metadata over IPv6'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone'],
    ['febf:ffff::1', 'end of fe80::/10'],
    ['::ffff:169.254.169.254', 'IPv4-mapped, dotted'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped, hex'],
    ['::FFFF:A9FE:A9FE', 'IPv4-mapped, upper-case hex'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['0.0.0.0', 'unspecified IPv4'],
    ['0.1.2.3', 'this network 0.0.0.0/8'],
    ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
    ['::', 'unspecified IPv6'],
    ['224.0.0.1', 'IPv4 multicast'],
    ['255.255.255.255', 'limited broadcast'],
    ['240.0.0.1', 'reserved 240.0.0.0/4'],
    ['ff02::1', 'IPv6 multicast'],
  ])('blocks %s (%s)', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'IPv6 loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['10.0.0.1', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['100.64.0.1', 'shared address space'],
    ['100.100.100.201', 'next to the Alibaba metadata address'],
    ['169.253.255.255', 'just below link-local'],
    ['169.255.0.0', 'just above link-local'],
    ['fd00::1', 'unique local IPv6'],
    ['fd00:ec2::253', 'next to the AWS IPv6 metadata address'],
    ['fec0::1', 'just above fe80::/10'],
    ['8.8.8.8', 'public IPv4'],
    ['2001:db8::1', 'public IPv6 (documentation range)'],
    ['localhost', 'a host name, not an address'],
    ['not an address', 'garbage'],
  ])('allows %s (%s)', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});

describe('BlockedAddressError', () => {
  it('names the address and the rule', () => {
    expect(new BlockedAddressError('169.254.169.254').message).toBe(
      'blocked address 169.254.169.254: link-local and cloud metadata addresses are not allowed',
    );
    expect(new BlockedAddressError('224.0.0.1').message).toBe(
      'blocked address 224.0.0.1: unspecified, multicast and reserved addresses are not allowed',
    );
  });
});

describe('createGuardedLookup', () => {
  const lookup = createGuardedLookup(
    fakeLookup({
      'metadata.test': ['169.254.169.254'],
      'mixed.test': ['203.0.113.7', 'fd00:ec2::254'],
      'receiver.test': ['127.0.0.1'],
    }),
  );

  it.each([false, true])('blocks a name resolving to metadata (all: %s)', async (all) => {
    const { error } = await lookupOnce(lookup, 'metadata.test', { all });

    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error?.message).toContain('169.254.169.254');
  });

  it('blocks a name when any address is blocked', async () => {
    const { error } = await lookupOnce(lookup, 'mixed.test', { all: true });

    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error?.message).toContain('fd00:ec2::254');
  });

  it('passes allowed addresses through', async () => {
    const one = await lookupOnce(lookup, 'receiver.test', { all: false });
    const all = await lookupOnce(lookup, 'receiver.test', { all: true });

    expect(one).toEqual({ error: null, address: '127.0.0.1' });
    expect(all).toEqual({ error: null, address: [{ address: '127.0.0.1', family: 4 }] });
  });

  it('passes resolver errors through', async () => {
    const { error } = await lookupOnce(lookup, 'unknown.test', { all: true });

    expect(error?.code).toBe('ENOTFOUND');
  });
});

describe('createGuardedConnector', () => {
  /** Records what the connector would open, without opening anything. */
  function recordingConnector() {
    const built: buildConnector.BuildOptions[] = [];
    const opened: string[] = [];
    const connector = createGuardedConnector({
      timeoutMs: 1234,
      lookup: fakeLookup({ 'metadata.test': ['169.254.169.254'] }),
      buildConnector: (options) => {
        built.push(options);
        return (target, callback) => {
          opened.push(target.hostname);
          callback(new Error('recording only'), null);
        };
      },
    });
    return { connector, built, opened };
  }

  function connect(connector: buildConnector.connector, hostname: string): Promise<Error | null> {
    return new Promise((resolve) =>
      connector({ hostname, host: hostname, protocol: 'http:', port: '80' }, (...args) =>
        resolve(args[0]),
      ),
    );
  }

  it.each(['169.254.169.254', '::ffff:a9fe:a9fe', 'fe80::1', '100.100.100.200'])(
    'rejects the literal %s before opening a socket',
    async (hostname) => {
      const { connector, opened } = recordingConnector();

      const error = await connect(connector, hostname);

      expect(error).toBeInstanceOf(BlockedAddressError);
      expect(opened).toEqual([]);
    },
  );

  it('hands names and allowed literals to the socket connector', async () => {
    const { connector, opened } = recordingConnector();

    await connect(connector, 'hooks.example.com');
    await connect(connector, '10.1.2.3');

    expect(opened).toEqual(['hooks.example.com', '10.1.2.3']);
  });

  it('gives the socket connector the guarded lookup and the timeout', async () => {
    const { built } = recordingConnector();
    const lookup = lookupOf(built[0]);

    const { error } = await lookupOnce(lookup, 'metadata.test', { all: true });

    expect(built[0]?.timeout).toBe(1234);
    expect(error).toBeInstanceOf(BlockedAddressError);
  });
});

describe('guarded connector with undici', () => {
  let receiver: HttpReceiver | undefined;
  let agent: Agent | undefined;

  afterEach(async () => {
    await agent?.close();
    await receiver?.close();
  });

  /**
   * Creates an agent whose names resolve from a table. As a safety net, the test's own lookup
   * rejects every non-loopback address that the guard lets through, so even a broken guard
   * never makes this test connect to a link-local or metadata address.
   */
  function agentResolving(table: Record<string, string[]>): Agent {
    const connect = createGuardedConnector({
      lookup: fakeLookup(table),
      buildConnector: (options) =>
        buildConnector({ ...options, lookup: loopbackOnly(lookupOf(options)) }),
    });
    return new Agent({ connect });
  }

  function loopbackOnly(lookup: LookupFunction): LookupFunction {
    return (hostname, options, callback) =>
      lookup(hostname, options, (error, address, family) => {
        const addresses = typeof address === 'string' ? [address] : address.map((a) => a.address);
        if (!error && addresses.some((a) => a !== '127.0.0.1')) {
          callback(new Error('safety net: the guard let a non-loopback address through'), '', 0);
          return;
        }
        callback(error, address, family);
      });
  }

  it('connects to a name that resolves to loopback', async () => {
    receiver = await startHttpReceiver();
    agent = agentResolving({ 'receiver.test': ['127.0.0.1'] });
    const port = new URL(receiver.url).port;

    const response = await request(`http://receiver.test:${port}/hook`, {
      method: 'POST',
      body: 'hello',
      dispatcher: agent,
    });
    await response.body.dump();

    expect(response.statusCode).toBe(200);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook']);
  });

  it('fails a name that resolves to metadata before connecting', async () => {
    agent = agentResolving({ 'metadata.test': ['169.254.169.254'] });

    const failure = request('http://metadata.test/latest/meta-data/', { dispatcher: agent });

    await expect(failure).rejects.toThrow(BlockedAddressError);
  });
});

describe('validateWebhookUrl', () => {
  it.each([
    'https://hooks.slack.com/services/T000/B000/secret-token',
    'http://receiver.apps.svc.cluster.local:8080/hook?token=secret-token',
    'https://[2001:db8::1]/hook',
    'http://127.0.0.1:9000/hook',
  ])('accepts %s', (url) => {
    expect(validateWebhookUrl(url)).toBeUndefined();
  });

  it.each([
    ['hooks.example.com/secret-token', 'not a valid absolute URL'],
    ['ftp://example.com/secret-token', 'scheme "ftp" is not supported'],
    ['javascript:alert(1)', 'scheme "javascript" is not supported'],
    ['https://user:secret-token@example.com/hook', 'contains a user name or password'],
    ['https://secret-token@example.com/hook', 'contains a user name or password'],
    ['http://169.254.169.254/secret-token', 'blocked address 169.254.169.254'],
    ['http://[::ffff:169.254.169.254]/secret-token', 'blocked address ::ffff:a9fe:a9fe'],
    ['http://0xa9fea9fe/secret-token', 'blocked address 169.254.169.254'],
    ['http://[fe80::1]/secret-token', 'blocked address fe80::1'],
  ])('rejects %s', (url, expected) => {
    const message = validateWebhookUrl(url);

    expect(message).toContain(expected);
    expect(message).not.toContain('secret-token');
  });

  it('accepts blocked literals when link-local is allowed', () => {
    expect(validateWebhookUrl('http://169.254.169.254/', { allowLinkLocal: true })).toBeUndefined();
  });
});
