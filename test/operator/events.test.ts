import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRecorder, type ObjectReference } from '../../src/operator/event-recorder.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { silentLogger } from '../../src/util/log.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';
import { waitFor } from '../support/wait.ts';

const kubectlPath = '/usr/bin/kubectl';
const minute = 60_000;

/** Wraps the real CoreV1Api to count the Event writes that go through it. */
function countingCore(core: CoreV1Api): { api: CoreV1Api; writes: string[] } {
  const writes: string[] = [];
  const api = new Proxy(core, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === 'createNamespacedEvent' || property === 'patchNamespacedEvent') {
          writes.push(property);
        }
        return (value as (...rest: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { api, writes };
}

describe('EventRecorder', () => {
  let cluster: TestCluster;
  let objects = 0;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('shop');
  });

  afterAll(async () => {
    await cluster?.close();
  });

  /** Creates a Notifier reference for one test, so that Events of tests do not mix. */
  function newObject(): ObjectReference {
    objects += 1;
    return {
      apiVersion: 'herald.dev/v1alpha1',
      kind: 'Notifier',
      name: `hook-${objects}`,
      namespace: 'shop',
      uid: `00000000-0000-4000-8000-${String(objects).padStart(12, '0')}`,
    };
  }

  function recorder(clock: ManualClock, options: { burst?: number; core?: CoreV1Api } = {}) {
    return new EventRecorder({
      core: options.core ?? cluster.core,
      component: 'herald-operator',
      instance: 'replica-a',
      clock,
      logger: silentLogger,
      ...(options.burst === undefined ? {} : { burst: options.burst }),
      refillIntervalMs: minute,
    });
  }

  async function eventsOf(object: ObjectReference): Promise<CoreV1Event[]> {
    const list = await cluster.core.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: `involvedObject.uid=${object.uid}`,
    });
    const order = (event: CoreV1Event) => `${event.reason} ${event.message}`;
    return list.items.sort((a, b) => order(a).localeCompare(order(b)));
  }

  it('aggregates the same reason and message into one Event', async () => {
    const clock = new ManualClock();
    const object = newObject();
    const events = recorder(clock);
    const firstAt = clock.now();

    for (let index = 0; index < 5; index++) {
      events.record(object, 'Warning', 'DeliveryFailed', 'delivery failed: HTTP 500');
      await clock.advance(1000);
    }
    await events.flush();

    const stored = await eventsOf(object);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.count).toBe(5);
    expect(stored[0]?.type).toBe('Warning');
    expect(stored[0]?.reason).toBe('DeliveryFailed');
    expect(stored[0]?.involvedObject.uid).toBe(object.uid);
    expect(stored[0]?.source?.component).toBe('herald-operator');
    expect(stored[0]?.reportingInstance).toBe('replica-a');
    expect(new Date(stored[0]!.firstTimestamp!).getTime()).toBe(firstAt);
    expect(new Date(stored[0]!.lastTimestamp!).getTime()).toBe(firstAt + 4000);
  });

  it('keeps different messages and reasons apart', async () => {
    const clock = new ManualClock();
    const object = newObject();
    const events = recorder(clock);

    events.record(object, 'Warning', 'DeliveryFailed', 'delivery failed: HTTP 500');
    events.record(object, 'Warning', 'DeliveryFailed', 'delivery failed: HTTP 404');
    events.record(object, 'Warning', 'SecretNotFound', 'delivery failed: HTTP 500');
    events.record(object, 'Warning', 'DeliveryFailed', 'delivery failed: HTTP 500');
    await events.flush();

    const stored = await eventsOf(object);
    expect(stored.map((event) => [event.reason, event.message, event.count])).toEqual([
      ['DeliveryFailed', 'delivery failed: HTTP 404', 1],
      ['DeliveryFailed', 'delivery failed: HTTP 500', 2],
      ['SecretNotFound', 'delivery failed: HTTP 500', 1],
    ]);
  });

  it('starts a new Event after the aggregation window', async () => {
    const clock = new ManualClock();
    const object = newObject();
    const events = recorder(clock);

    events.record(object, 'Warning', 'DeliveryFailed', 'failed');
    await events.flush();
    await clock.advance(11 * minute);
    events.record(object, 'Warning', 'DeliveryFailed', 'failed');
    await events.flush();

    const stored = await eventsOf(object);
    expect(stored.map((event) => event.count)).toEqual([1, 1]);
  });

  it('limits writes per object and carries the count over', async () => {
    const clock = new ManualClock();
    const object = newObject();
    const counting = countingCore(cluster.core);
    const events = recorder(clock, { burst: 2, core: counting.api });

    events.record(object, 'Warning', 'DeliveryFailed', 'failed');
    events.record(object, 'Warning', 'InvalidDestination', 'bad URL');
    await events.flush();
    for (let index = 1; index < 10; index++) {
      events.record(object, 'Warning', 'DeliveryFailed', 'failed');
      events.record(object, 'Warning', 'InvalidDestination', 'bad URL');
    }
    await waitFor('both Events to wait for a write token', () =>
      clock.pendingSleeps === 2 ? true : undefined,
    );
    expect(counting.writes).toHaveLength(2);
    expect((await eventsOf(object)).map((event) => event.count)).toEqual([1, 1]);

    // One token per minute: each Event gets one more write, carrying all ten occurrences.
    await clock.advance(minute);
    await clock.advance(minute);
    await events.flush();
    expect(counting.writes).toEqual([
      'createNamespacedEvent',
      'createNamespacedEvent',
      'patchNamespacedEvent',
      'patchNamespacedEvent',
    ]);
    expect((await eventsOf(object)).map((event) => event.count)).toEqual([10, 10]);
  });

  it('bumps the Event that a previous process recorded', async () => {
    const object = newObject();
    const before = new ManualClock();
    const first = recorder(before);
    first.record(object, 'Warning', 'DeliveryFailed', 'failed');
    first.record(object, 'Warning', 'DeliveryFailed', 'failed');
    await first.close();

    const after = new ManualClock(before.now() + minute);
    const second = recorder(after);
    second.record(object, 'Warning', 'DeliveryFailed', 'failed');
    await second.flush();

    const stored = await eventsOf(object);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.count).toBe(3);
    expect(new Date(stored[0]!.lastTimestamp!).getTime()).toBe(after.now());
  });

  it('creates the Event again when it was deleted', async () => {
    const clock = new ManualClock();
    const object = newObject();
    const events = recorder(clock);
    events.record(object, 'Warning', 'DeliveryFailed', 'failed');
    await events.flush();
    const [stored] = await eventsOf(object);
    await cluster.core.deleteNamespacedEvent({ namespace: 'shop', name: stored!.metadata.name! });

    events.record(object, 'Warning', 'DeliveryFailed', 'failed');
    await events.flush();

    const again = await eventsOf(object);
    expect(again).toHaveLength(1);
    expect(again[0]?.metadata.name).not.toBe(stored!.metadata.name);
    expect(again[0]?.count).toBe(2);
  });

  it('drops occurrences waiting for a token on close', async () => {
    const clock = new ManualClock();
    const object = newObject();
    const events = recorder(clock, { burst: 1 });
    events.record(object, 'Warning', 'DeliveryFailed', 'first');
    events.record(object, 'Warning', 'DeliveryFailed', 'second');
    await waitFor('the second write to wait for a token', () =>
      clock.pendingSleeps === 1 ? true : undefined,
    );

    await events.close();
    events.record(object, 'Warning', 'DeliveryFailed', 'third');

    expect((await eventsOf(object)).map((event) => event.message)).toEqual(['first']);
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe('Events on Notifiers', () => {
  let cluster: TestCluster;
  let failing: HttpReceiver;
  let operator: TestOperator;
  let folder: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('shop');
    failing = await startHttpReceiver({ respond: () => ({ status: 500 }) });
    await cluster.createSecret('shop', 'failing', { url: `${failing.url}/hook` });
    await cluster.createNotifier('shop', 'failing', {
      app: 'api',
      platform: 'webhook',
      events: { selection: 'custom', types: ['app_deployed'] },
      webhook: { urlSecretRef: { name: 'failing', key: 'url' } },
    });
    await cluster.createNotifier('shop', 'unconfigured', {
      app: 'api',
      platform: 'webhook',
      events: { selection: 'custom', types: ['app_deployed'] },
      webhook: { urlSecretRef: { name: 'missing', key: 'url' } },
    });
    operator = await startTestOperator(cluster, ['--max-attempts', '1']);
    folder = await mkdtemp(join(tmpdir(), 'herald-events-'));
  });

  afterAll(async () => {
    await operator?.stop();
    await failing?.close();
    await cluster?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function notifierEvents(name: string): Promise<CoreV1Event[]> {
    const notifier = await cluster.getNotifier('shop', name);
    const list = await cluster.core.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: `involvedObject.kind=Notifier,involvedObject.uid=${notifier.metadata?.uid}`,
    });
    return list.items;
  }

  it('records repeated delivery failures as one Event with a count', async () => {
    for (let index = 0; index < 3; index++) {
      const event = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
      expect((await cluster.waitForFinal('shop', event.metadata!.name!)).status?.phase).toBe(
        'Failed',
      );
    }

    const [failed] = await waitFor('the DeliveryFailed Event to count 3', async () => {
      const events = await notifierEvents('failing');
      return events.length === 1 && events[0]?.count === 3 ? events : undefined;
    });
    expect(failed?.type).toBe('Warning');
    expect(failed?.reason).toBe('DeliveryFailed');
    expect(failed?.message).toBe(
      'delivery failed (HTTPServerError): HTTP 500 Internal Server Error',
    );
  });

  it('records an invalid configuration on the Notifier', async () => {
    // The notifier also gets DeliveryFailed Events from the deliveries routed to it.
    const events = await waitFor('the SecretNotFound Event', async () => {
      const found = await notifierEvents('unconfigured');
      const problems = found.filter((event) => event.reason !== 'DeliveryFailed');
      return problems.length > 0 ? problems : undefined;
    });

    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('Warning');
    expect(events[0]?.reason).toBe('SecretNotFound');
    expect(events[0]?.message).toContain('Secret "missing" not found');
  });

  it('shows the Events in kubectl describe', async () => {
    if (!existsSync(kubectlPath)) {
      throw new Error(`this test runs kubectl; install kubectl 1.32 at ${kubectlPath}`);
    }
    const kubeconfigPath = join(folder, 'kubeconfig');
    await writeFile(kubeconfigPath, cluster.server.kubeconfig());

    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        kubectlPath,
        ['describe', 'notifier', 'failing', '-n', 'shop'],
        { env: { PATH: process.env.PATH ?? '', HOME: folder, KUBECONFIG: kubeconfigPath } },
        (error, stdout, stderr) =>
          error ? reject(new Error(`kubectl describe failed: ${stderr}`)) : resolve(stdout),
      );
    });

    const events = output.slice(output.indexOf('Events:'));
    expect(events).toMatch(
      /Warning\s+DeliveryFailed\s+.*\(x3 over .*\)\s+herald-operator\s+delivery failed/,
    );
  });
});
