import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One series: a metric name, its labels, and a gauge value or a counter's rate per second. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  /** Value of a gauge. */
  value?: number;
  /** Increase per second of a counter, which starts at 0 when the exporter starts. */
  ratePerSecond?: number;
}

/** A /metrics endpoint on 127.0.0.1 whose series a test changes at any time. */
export interface Exporter {
  /** `host:port`, as a Prometheus scrape target. */
  target: string;
  series: Series[];
  close(): Promise<void>;
}

/**
 * Starts an exporter of `series` in the Prometheus text format. Counters grow linearly from the
 * start, so rate() over any window returns `ratePerSecond`.
 */
export async function startExporter(series: Series[]): Promise<Exporter> {
  const started = performance.now();
  const exporter = { series } as Exporter;
  const server = createServer((_request, response) => {
    const seconds = (performance.now() - started) / 1000;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(render(exporter.series, seconds));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  exporter.target = `127.0.0.1:${port}`;
  exporter.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return exporter;
}

function render(series: readonly Series[], seconds: number): string {
  const lines = series.map((each) => {
    const labels = Object.entries(each.labels)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join(',');
    const value =
      each.ratePerSecond === undefined ? (each.value ?? 0) : each.ratePerSecond * seconds;
    return `${each.name}{${labels}} ${value}`;
  });
  return `${lines.join('\n')}\n`;
}
