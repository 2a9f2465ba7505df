import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../src/operator/leader-election.ts';
import { LeaseLock } from '../../src/operator/lease-lock.ts';
import { systemClock } from '../../src/util/clock.ts';
import { silentLogger } from '../../src/util/log.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { waitFor } from '../support/wait.ts';

const leaseDurationMs = 1000;
const renewDeadlineMs = 600;
const retryPeriodMs = 100;
/** Allowance for request latency on a loaded machine, in ms. */
const slackMs = 400;

describe('LeaderElector', () => {
  let cluster: TestCluster;
  let api: CoordinationV1Api;
  let leaseName = '';
  let counter = 0;
  const electors: LeaderElector[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('herald');
    api = cluster.kubeConfig.makeApiClient(CoordinationV1Api);
  });

  beforeEach(() => {
    leaseName = `lease-${++counter}`;
  });

  afterEach(async () => {
    cluster.server.faults.reset();
    for (const elector of electors.splice(0)) elector.stop();
  });

  afterAll(async () => {
    await cluster?.close();
  });

  /** Creates an elector on this test's own lease. */
  function elector(identity: string): LeaderElector {
    const created = new LeaderElector({
      lock: new LeaseLock({ api, namespace: 'herald', name: leaseName }),
      identity,
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
      clock: systemClock,
      logger: silentLogger,
    });
    electors.push(created);
    return created;
  }

  function readLease() {
    return api.readNamespacedLease({ namespace: 'herald', name: leaseName });
  }

  /** Resolves once the lease was renewed `count` more times, returning the last renewal time. */
  async function renewals(count: number): Promise<number> {
    const seen = new Set<string>();
    let last = 0;
    await waitFor(`${count} lease renewals`, async () => {
      const renewTime = (await readLease()).spec?.renewTime;
      const text = String(renewTime);
      if (!seen.has(text)) {
        seen.add(text);
        last = Date.now();
      }
      return seen.size > count ? true : undefined;
    });
    return last;
  }

  it('creates the lease and renews it', async () => {
    const leader = elector('replica-a');

    expect(await leader.acquire()).toBe(true);
    expect(leader.isLeader).toBe(true);
    void leader.keepRenewing();
    await renewals(2);
    const lease = await readLease();
    expect(lease.spec?.holderIdentity).toBe('replica-a');
    expect(lease.spec?.leaseDurationSeconds).toBe(1);
    expect(lease.spec?.leaseTransitions).toBe(0);
  });

  it('keeps a standby waiting while the leader renews', async () => {
    const leader = elector('replica-a');
    await leader.acquire();
    void leader.keepRenewing();
    const standby = elector('replica-b');
    let standbyLeads = false;
    void standby.acquire().then((leads) => (standbyLeads = leads));

    // More than a lease duration of renewals passes without the standby taking over.
    await renewals(Math.ceil((1.5 * leaseDurationMs) / retryPeriodMs));

    expect(standbyLeads).toBe(false);
    expect(standby.isLeader).toBe(false);
    expect(standby.holder).toBe('replica-a');
  });

  it('takes over within lease duration plus retry period', async () => {
    const leader = elector('replica-a');
    await leader.acquire();
    void leader.keepRenewing();
    const standby = elector('replica-b');
    const acquired = standby.acquire();
    await renewals(2);

    // A leader that dies renews no more; stop() does the same without releasing.
    leader.stop();
    const stoppedAt = Date.now();
    expect(await acquired).toBe(true);
    const elapsed = Date.now() - stoppedAt;

    expect(elapsed).toBeGreaterThanOrEqual(leaseDurationMs - retryPeriodMs - slackMs);
    expect(elapsed).toBeLessThanOrEqual(leaseDurationMs + retryPeriodMs + slackMs);
    const lease = await readLease();
    expect(lease.spec?.holderIdentity).toBe('replica-b');
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('hands over at once after a release', async () => {
    const leader = elector('replica-a');
    await leader.acquire();
    const renewing = leader.keepRenewing();
    const standby = elector('replica-b');
    const acquired = standby.acquire();
    await renewals(1);

    const releasedAt = Date.now();
    await leader.release();
    expect(await renewing).toBe('stopped');
    expect(await acquired).toBe(true);

    expect(Date.now() - releasedAt).toBeLessThan(leaseDurationMs / 2);
    expect(leader.isLeader).toBe(false);
    expect((await readLease()).spec?.holderIdentity).toBe('replica-b');
  });

  it('gives up leading when renewals fail past the deadline', async () => {
    const leader = elector('replica-a');
    await leader.acquire();
    const renewing = leader.keepRenewing();
    await renewals(1);

    cluster.server.faults.failNext({ path: /\/leases\//, method: 'PUT' }, 1000, 503);
    cluster.server.faults.failNext({ path: /\/leases\//, method: 'GET' }, 1000, 503);
    const failingSince = Date.now();

    expect(await renewing).toBe('lost');
    expect(leader.isLeader).toBe(false);
    // Lost within the renew deadline (plus one period), before a standby could take over.
    expect(Date.now() - failingSince).toBeLessThan(renewDeadlineMs + retryPeriodMs + slackMs);
  });

  it('gives up leading at once when another replica holds the lease', async () => {
    const leader = elector('replica-a');
    await leader.acquire();
    const renewing = leader.keepRenewing();
    await renewals(1);

    const lease = await readLease();
    await api.replaceNamespacedLease({
      namespace: 'herald',
      name: leaseName,
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } },
    });

    expect(await renewing).toBe('lost');
    expect(leader.holder).toBe('intruder');
  });

  it('lets exactly one of two candidates lead', async () => {
    const candidates = [elector('replica-a'), elector('replica-b')];
    for (const candidate of candidates) {
      void candidate.acquire().then((leads) => {
        if (leads) void candidate.keepRenewing();
      });
    }
    await waitFor('one candidate to lead', () =>
      candidates.some((candidate) => candidate.isLeader) ? true : undefined,
    );

    await renewals(Math.ceil((1.5 * leaseDurationMs) / retryPeriodMs));
    const leaders = candidates.filter((candidate) => candidate.isLeader);
    expect(leaders).toHaveLength(1);
    expect((await readLease()).spec?.holderIdentity).toBe(
      leaders[0] === candidates[0] ? 'replica-a' : 'replica-b',
    );
  });
});
