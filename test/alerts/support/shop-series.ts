import type { Series } from './exporter.ts';

/**
 * Series as cAdvisor, kube-state-metrics and ingress-nginx export them for a namespace "shop"
 * with the app shop-api (two web pods and a worker pod) and another app, other-app, whose
 * series the default queries must leave out. Each comment gives the value the default query of
 * shop-api's web pods must return.
 */
export function shopSeries(): Series[] {
  const pods = [
    { pod: 'shop-api-web-1', app: 'shop-api', component: 'web' },
    { pod: 'shop-api-web-2', app: 'shop-api', component: 'web' },
    { pod: 'shop-api-worker-1', app: 'shop-api', component: 'worker' },
    { pod: 'other-app-web-1', app: 'other-app', component: 'web' },
  ];
  const series: Series[] = [];
  for (const { pod, app, component } of pods) {
    series.push(
      gauge('kube_pod_labels', {
        pod,
        label_app_kubernetes_io_name: app,
        label_app_kubernetes_io_component: component,
      }),
      gauge('kube_pod_status_ready', { pod, condition: 'true' }, 1),
      gauge('kube_pod_status_ready', { pod, condition: 'false' }, 0),
      gauge('kube_pod_container_resource_limits', limitLabels(pod, 'cpu', 'core'), 2),
      gauge('kube_pod_container_resource_limits', limitLabels(pod, 'memory', 'byte'), 1e9),
    );
  }

  // cpu: web-2 uses 1.6 of its 2 cores, the highest web fraction: 0.8.
  series.push(
    counter('container_cpu_usage_seconds_total', container('shop-api-web-1'), 1.0),
    counter('container_cpu_usage_seconds_total', container('shop-api-web-2'), 1.6),
    counter('container_cpu_usage_seconds_total', container('shop-api-worker-1'), 1.9),
    counter('container_cpu_usage_seconds_total', container('other-app-web-1'), 1.9),
    // The pod-level cgroup (container="") and the pause container must not count.
    counter('container_cpu_usage_seconds_total', { pod: 'shop-api-web-1', container: '' }, 5),
    counter('container_cpu_usage_seconds_total', container('shop-api-web-1', 'POD'), 5),
  );

  // memory: web-1 is the highest web fraction, 0.5 until a test changes it; swap: 0.1.
  series.push(
    gauge('container_memory_working_set_bytes', container('shop-api-web-1'), 0.5e9),
    gauge('container_memory_working_set_bytes', container('shop-api-web-2'), 0.3e9),
    gauge('container_memory_working_set_bytes', container('shop-api-worker-1'), 0.99e9),
    gauge('container_memory_working_set_bytes', container('other-app-web-1'), 0.99e9),
    gauge('container_memory_swap', container('shop-api-web-1'), 0.1e9),
    gauge('container_memory_swap', container('shop-api-web-2'), 0.05e9),
    gauge('container_memory_swap', container('other-app-web-1'), 0.9e9),
  );

  // rpm: (10 + 0.5) * 60 = 630; 5xx: 30; rpm_per_container: 630 / 2 ready web pods = 315.
  // other-app never responds with a 5xx, so its 5xx query returns 0.
  series.push(
    gauge('kube_service_labels', { service: 'shop-api', label_app_kubernetes_io_name: 'shop-api' }),
    gauge('kube_service_labels', {
      service: 'other-app',
      label_app_kubernetes_io_name: 'other-app',
    }),
    counter('nginx_ingress_controller_requests', requests('shop-api', '200'), 10),
    counter('nginx_ingress_controller_requests', requests('shop-api', '503'), 0.5),
    counter('nginx_ingress_controller_requests', requests('other-app', '200'), 100),
  );

  // p95_response_time: 95% of requests fall in (0.25 s, 0.5 s], at 0.25 + 0.25 * 0.5 = 375 ms.
  const buckets: [string, number][] = [
    ['0.1', 5],
    ['0.25', 9],
    ['0.5', 10],
    ['+Inf', 10],
  ];
  for (const [le, rate] of buckets) {
    series.push(
      counter(
        'nginx_ingress_controller_request_duration_seconds_bucket',
        { ...requests('shop-api', '200'), le },
        rate,
      ),
    );
  }
  return series;
}

/** Sets the memory working set of one container of `series`, in bytes. */
export function setMemory(series: Series[], pod: string, bytes: number): void {
  const found = series.find(
    (each) => each.name === 'container_memory_working_set_bytes' && each.labels.pod === pod,
  );
  if (!found) throw new Error(`no memory series for pod ${pod}`);
  found.value = bytes;
}

function gauge(name: string, labels: Record<string, string>, value = 1): Series {
  return { name, labels: { namespace: 'shop', ...labels }, value };
}

function counter(name: string, labels: Record<string, string>, ratePerSecond: number): Series {
  return { name, labels: { namespace: 'shop', ...labels }, ratePerSecond };
}

function container(pod: string, name = 'app'): Record<string, string> {
  return { pod, container: name };
}

function limitLabels(pod: string, resource: string, unit: string): Record<string, string> {
  return { pod, container: 'app', resource, unit };
}

function requests(service: string, status: string): Record<string, string> {
  return { ingress: service, service, status, method: 'GET', host: `${service}.example.com` };
}
