import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { createHttpSender } from '../src/delivery/http-sender.ts';
import { webhookChannel, renderWebhookPayload, signWebhookBody } from '../src/channels/webhook.ts';
const server = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(204).end()); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const ns = Array.from({length: 2000}, (_, i) => ({ deliveryId: 'x'+i, notifier: { name: 'a', namespace: 'b', platform: 'webhook' as const }, event: { uid: 'u' + i, name: 'n', namespace: 's', app: 'a', type: 't', displayName: 'd', description: 'x', occurredAt: '2026', actor: 'a', data: { v: i } } }));
const prepared = ns.map(n => { const body = JSON.stringify(renderWebhookPayload(n)); return { body, headers: { 'content-type': 'application/json', 'herald-delivery': n.deliveryId, 'herald-signature': signWebhookBody(body, 's', 1) } }; });
const agent = new Agent();
const sender = createHttpSender();
const ctx = { http: sender, now: () => new Date() };
const mode = process.argv[2];
const task = mode === 'plain'
  ? async (i: number) => { const { body, headers } = prepared[i]!; const r = await request(url, { method: 'POST', body, headers, dispatcher: agent }); await r.body.dump(); }
  : mode === 'sender'
  ? async (i: number) => { const { body, headers } = prepared[i]!; const r = await sender.post(url, body, headers); if (!r.ok) throw new Error(); }
  : async (i: number) => { const r = await webhookChannel.deliver(ns[i]!, { url, signingSecret: 's' }, ctx); if (!r.ok) throw new Error(); };
async function measure() { let next = 0; await Promise.all(Array.from({ length: 16 }, async () => { while (next < 2000) await task(next++); })); }
for (let i = 0; i < 5; i++) await measure();
const cpu0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < 10; i++) await measure();
const cpu = process.cpuUsage(cpu0); const ms = performance.now() - t0;
console.log(mode, 'req/s', (20000 / (ms / 1000)).toFixed(0), 'cpu µs/req', ((cpu.user + cpu.system) / 20000).toFixed(1));
await agent.close(); await sender.close(); server.close();
