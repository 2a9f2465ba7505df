import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { startLocalApiServer } from '../local-api/index.ts';
import { loadConfig } from '../operator/config.ts';
import { startOperator } from '../operator/operator.ts';
import { systemClock } from '../util/clock.ts';
import { createLogger } from '../util/log.ts';
import { installCrds, readManifests } from '../util/manifests.ts';
import { startHttpReceiver, startSmtpReceiver, type Arrival } from './receivers.ts';

export interface DemoOptions {
  /** The project folder holding crds/ and examples/. */
  root: string;
  /** Exit once every expected notification has arrived instead of running until stopped. */
  check: boolean;
  /** Folder for the kubeconfig; `<root>/.herald` by default. */
  stateDir?: string;
  /** How long `check` waits for the notifications, in ms. */
  deadlineMs: number;
  print: (line: string) => void;
  /** Resolves when the user asks the demo to stop (Ctrl-C). */
  stopRequested: Promise<void>;
}

/**
 * The notifications that examples/ must produce at least: per receiver target, how many. Kept in
 * step with examples/ by hand, so that `--check` tests the operator rather than restating its
 * routing. The webhook notifier selects every event type, so it also receives the notifier_* and
 * collaborator_* events the operator records while the examples are applied. How many of those
 * reach it depends on timing, so only the three sample events are counted.
 */
const expectedArrivals: Record<string, number> = {
  'slack shop-slack': 1,
  'email oncall@example.com, lead@example.com, carol@example.com': 2,
  'email olivia@example.com': 1,
  'webhook shop-audit-webhook': 3,
};

/** Runs the demo; resolves to the process exit code. */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { print } = options;
  const stateDir = options.stateDir ?? join(options.root, '.herald');
  await mkdir(stateDir, { recursive: true });
  const kubeconfigPath = join(stateDir, 'demo.kubeconfig');

  const arrivals: Arrival[] = [];
  let onArrival = () => {};
  const record = (arrival: Arrival) => {
    arrivals.push(arrival);
    print(`  -> ${arrival.platform.padEnd(8)} ${arrival.target.padEnd(56)} ${arrival.summary}`);
    onArrival();
  };

  const server = await startLocalApiServer({ port: 0 });
  const cleanups: Array<() => Promise<unknown>> = [() => server.close()];
  try {
    await server.writeKubeconfig(kubeconfigPath);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(server.kubeconfig());
    print(`Local Kubernetes API server at ${server.url}`);

    const http = await startHttpReceiver(record);
    cleanups.push(() => http.close());
    const smtp = await startSmtpReceiver(record);
    cleanups.push(() => smtp.close());
    print(`Slack-format and webhook receiver at ${http.url}, SMTP receiver at ${smtp.url}`);

    await installCrds(kubeConfig, join(options.root, 'crds'));
    print('Installed the Herald CRDs');

    const config = loadConfig(
      ['--smtp-host', '127.0.0.1', '--smtp-port', String(smtp.port), '--resync-interval', '2s'],
      {},
    );
    const operator = await startOperator({
      kubeConfig,
      config,
      logger: createLogger({ level: 'warn' }),
      clock: systemClock,
    });
    cleanups.push(() => operator.stop());
    print('Started the operator');

    const objects = await readManifests(join(options.root, 'examples'));
    const events = await readManifests(join(options.root, 'examples', 'events'));
    pointSecretsAt(objects, http.url);
    const client = KubernetesObjectApi.makeApiClient(kubeConfig);
    for (const object of objects) {
      await client.create(object);
    }
    print(`Applied examples/: ${describe(objects)}`);
    print('Creating AppEvents; notifications as they arrive:');
    for (const event of events) await client.create(event);

    print('');
    print(`kubeconfig: ${resolve(kubeconfigPath)}`);
    print(
      `Try: KUBECONFIG=${resolve(kubeconfigPath)} kubectl get apps,notifiers,appevents -n shop`,
    );

    if (options.check) {
      return await checkArrivals(arrivals, options, (callback) => (onArrival = callback));
    }
    print('Press Ctrl-C to stop.');
    await options.stopRequested;
    print('Stopped. The local API server is gone, so that kubeconfig no longer works.');
    return 0;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** Rewrites the example Secrets so that each notifier posts to the local receiver. */
function pointSecretsAt(objects: KubernetesObject[], receiverUrl: string): void {
  type NotifierLike = KubernetesObject & {
    spec?: { platform?: string; webhook?: { urlSecretRef?: { name: string; key: string } } };
  };
  type SecretLike = KubernetesObject & { stringData?: Record<string, string> };
  for (const notifier of objects as NotifierLike[]) {
    const ref = notifier.kind === 'Notifier' ? notifier.spec?.webhook?.urlSecretRef : undefined;
    if (!ref) continue;
    const secret = (objects as SecretLike[]).find(
      (object) => object.kind === 'Secret' && object.metadata?.name === ref.name,
    );
    if (!secret) continue;
    const path = notifier.spec?.platform === 'webhook' ? 'webhook' : 'slack';
    secret.stringData = {
      ...secret.stringData,
      [ref.key]: `${receiverUrl}/${path}/${notifier.metadata?.name}`,
    };
  }
}

function describe(objects: KubernetesObject[]): string {
  return objects.map((object) => `${object.kind}/${object.metadata?.name}`).join(', ');
}

async function checkArrivals(
  arrivals: Arrival[],
  options: DemoOptions,
  subscribe: (callback: () => void) => void,
): Promise<number> {
  const missing = () => {
    const lines: string[] = [];
    for (const [target, count] of Object.entries(expectedArrivals)) {
      const got = arrivals.filter((each) => `${each.platform} ${each.target}` === target).length;
      if (got < count) lines.push(`${target}: ${got} of ${count} notifications`);
    }
    return lines;
  };
  const done = new Promise<void>((resolveDone) => {
    const test = () => {
      if (missing().length === 0) resolveDone();
    };
    subscribe(test);
    test();
  });
  const timeout = systemClock.sleep(options.deadlineMs).then(() => 'timeout' as const);
  const outcome = await Promise.race([
    done.then(() => 'done' as const),
    timeout,
    options.stopRequested,
  ]);
  if (outcome === 'done') {
    options.print(`Check passed: all ${arrivals.length} expected notifications arrived.`);
    return 0;
  }
  options.print(`Check failed after ${options.deadlineMs / 1000}s; missing:`);
  for (const line of missing()) options.print(`  ${line}`);
  return 1;
}
