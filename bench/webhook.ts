/**
 * Deliveries per second through the webhook channel and the shared HTTP sender, against a plain
 * undici POST loop doing the same job, with the same payloads and concurrency, both to one
 * receiver on 127.0.0.1. Run with `npm exec -- node bench/webhook.ts [requests] [concurrency]`.
 *
 * Sides:
 * - channel: webhookChannel.deliver, which renders and signs each payload and goes through the
 *   URL check, the guarded connector, the per-attempt timeout and the response classification;
 * - plain: for each request, JSON.stringify of the same payload object, the same HMAC-SHA256
 *   signature and an undici request on a default Agent (the minimal way to do the job);
 * - prerendered: an undici request with bodies and signatures computed beforehand, for reference.
 *
 * The ratio channel / plain is Herald's overhead; the target is >= 0.8. Each side runs in its
 * own child process, so neither inherits the other's JIT state or garbage, and the receiver runs
 * in this process. Sides alternate for several rounds and the medians are compared.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import type { Notification } from '../src/channels/types.ts';
import { renderWebhookPayload, signWebhookBody, webhookChannel } from '../src/channels/webhook.ts';
import { createHttpSender } from '../src/delivery/http-sender.ts';

const sides = ['channel', 'plain', 'prerendered'] as const;
type Side = (typeof sides)[number];

const rounds = 5;
const passesPerChild = 9;
const warmUpRequests = 20_000;
const targetRatio = 0.8;
/** Limit on one child process in milliseconds, so that the benchmark always ends. */
const childLimitMs = 60_000;
const secret = 'bench-secret';
const sentAt = new Date('2026-03-01T12:00:00Z');

function notification(index: number): Notification {
  const uid = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  return {
    deliveryId: `${uid}.bench`,
    notifier: { name: 'bench', namespace: 'bench', platform: 'webhook' },
    event: {
      uid,
      name: `shop-deployed-${index}`,
      namespace: 'shop',
      app: 'shop',
      type: 'app_deployed',
      displayName: 'App deployed',
      description: 'An app was deployed',
      occurredAt: sentAt.toISOString(),
      actor: 'alice',
      data: { version: `1.4.${index}`, replicas: 3, image: { repository: 'shop', tag: '1.4.2' } },
    },
  };
}

/** Rates of one measured pass: wall-clock requests per second and client CPU per request. */
interface PassRates {
  perSecond: number;
  cpuMicrosPerRequest: number;
}

/** Runs `task` for indexes 0..count-1 with `concurrency` workers. */
async function measure(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<PassRates> {
  let next = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    perSecond: count / ((performance.now() - started) / 1000),
    cpuMicrosPerRequest: (cpu.user + cpu.system) / count,
  };
}

/** Runs one side in a child process: warms up, then prints the median rates of its passes as JSON. */
async function runSide(side: Side, url: string, count: number, concurrency: number) {
  const notifications = Array.from({ length: count }, (_, index) => notification(index));
  const sender = createHttpSender({ timeoutMs: 10_000 });
  const agent = new Agent();
  const context = { http: sender, now: () => sentAt };
  const unixSeconds = Math.floor(sentAt.getTime() / 1000);
  const payloads = notifications.map(renderWebhookPayload);
  const prepared = payloads.map((payload) => {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      'herald-delivery': payload.deliveryId,
      'herald-signature': signWebhookBody(body, secret, unixSeconds),
    };
    return { body, headers };
  });

  const channelTask = async (index: number) => {
    const destination = { url, signingSecret: secret };
    const result = await webhookChannel.deliver(notifications[index]!, destination, context);
    if (!result.ok) throw new Error(`channel delivery failed: ${result.error}`);
  };
  const post = async (body: string, headers: Record<string, string>) => {
    const response = await request(url, { method: 'POST', body, headers, dispatcher: agent });
    await response.body.dump();
    if (response.statusCode !== 204) throw new Error(`plain POST got ${response.statusCode}`);
  };
  const plainTask = async (index: number) => {
    const payload = payloads[index]!;
    const body = JSON.stringify(payload);
    const signature = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
    await post(body, {
      'content-type': 'application/json',
      'herald-delivery': payload.deliveryId,
      'herald-signature': `t=${unixSeconds},v1=${signature}`,
    });
  };
  const prerenderedTask = (index: number) => post(prepared[index]!.body, prepared[index]!.headers);
  const tasks = { channel: channelTask, plain: plainTask, prerendered: prerenderedTask };
  const task = tasks[side];

  // Warm-up: the JIT needs well over 2000 requests before either side reaches steady speed.
  for (let warmed = 0; warmed < warmUpRequests; warmed += count) {
    await measure(count, concurrency, task);
  }
  const passes: PassRates[] = [];
  for (let pass = 0; pass < passesPerChild; pass++) {
    passes.push(await measure(count, concurrency, task));
  }

  await sender.close();
  await agent.close();
  const result: PassRates = {
    perSecond: median(passes.map((pass) => pass.perSecond)),
    cpuMicrosPerRequest: median(passes.map((pass) => pass.cpuMicrosPerRequest)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(side: Side, url: string, count: number, concurrency: number): Promise<PassRates> {
  const script = fileURLToPath(import.meta.url);
  const args = [script, '--side', side, url, String(count), String(concurrency)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill(), childLimitMs);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));

  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(output) as PassRates);
      else reject(new Error(`the ${side} side exited with ${code}`));
    });
  });
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function main(count: number, concurrency: number): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  const rates: Record<Side, PassRates[]> = { channel: [], plain: [], prerendered: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) rates[side].push(await runChild(side, url, count, concurrency));
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }

  report(count, concurrency, rates);
}

function report(count: number, concurrency: number, rates: Record<Side, PassRates[]>): void {
  const perSecond = (side: Side) => median(rates[side].map((rate) => rate.perSecond));
  const cpu = (side: Side) => median(rates[side].map((rate) => rate.cpuMicrosPerRequest));
  const labels: Record<Side, string> = {
    channel: 'webhook channel + HTTP sender         ',
    plain: 'undici, render and sign per request  ',
    prerendered: 'undici, bodies and signatures prepared',
  };

  console.log(`webhook benchmark: ${count} requests, concurrency ${concurrency}, ${rounds} rounds`);
  for (const side of sides) {
    const line = `${perSecond(side).toFixed(0).padStart(6)}/s  ${cpu(side).toFixed(1).padStart(5)} µs CPU/request`;
    console.log(`  ${side.padEnd(11)} ${labels[side]}  ${line}`);
  }

  const ratio = perSecond('channel') / perSecond('plain');
  const cpuRatio = cpu('plain') / cpu('channel');
  const verdict = ratio >= targetRatio ? 'met' : 'NOT met';
  console.log(
    `  channel / plain, wall clock: ${ratio.toFixed(2)} (target >= ${targetRatio}: ${verdict})`,
  );
  console.log(`  channel / plain, by client CPU per request: ${cpuRatio.toFixed(2)}`);
  console.log(
    `  channel / prerendered, wall clock: ${(perSecond('channel') / perSecond('prerendered')).toFixed(2)}`,
  );
}

const [flag, side, url, count, concurrency] = process.argv.slice(2);
if (flag === '--side') {
  await runSide(side as Side, url!, Number(count), Number(concurrency));
} else {
  await main(Number(flag ?? 2000), Number(side ?? 16));
}
