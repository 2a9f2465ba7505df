import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  startHttpReceiver,
  type HttpReceiver,
  type ReceiverResponse,
} from '../../support/receivers.ts';

/**
 * An HTTP server on 127.0.0.1 that responds to every request with `response`, which a test changes
 * between evaluations. It replaces Prometheus where a real one cannot misbehave on demand.
 */
export interface FakePrometheus {
  url: string;
  receiver: HttpReceiver;
  response: ReceiverResponse;
  close(): Promise<void>;
}

/** Starts a fake Prometheus that returns one sample of `initialValue`. */
export async function startFakePrometheus(initialValue = 0): Promise<FakePrometheus> {
  const fake = {
    response: vectorResponse([initialValue]),
  } as FakePrometheus;
  const receiver = await startHttpReceiver({ respond: () => fake.response });
  fake.receiver = receiver;
  fake.url = receiver.url;
  fake.close = () => receiver.close();
  return fake;
}

/** Builds the response of a successful instant query, with one series per value. */
export function vectorResponse(values: readonly (number | string)[]): ReceiverResponse {
  const result = values.map((value, index) => ({
    metric: { series: String(index) },
    value: [1767225600, String(value)],
  }));
  return json(200, { status: 'success', data: { resultType: 'vector', result } });
}

/** Builds a Prometheus API error response, with the given status code. */
export function errorResponse(status: number, errorType: string, error: string): ReceiverResponse {
  return json(status, { status: 'error', errorType, error });
}

/** Builds a JSON response. */
export function json(status: number, body: unknown): ReceiverResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** Returns a URL on 127.0.0.1 where nothing listens: a port bound once and released. */
export async function unusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
