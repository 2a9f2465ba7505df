import type { AlertMetric } from '../api/alert.ts';

/** Description of an alert metric: its wording, its unit and how the operator queries it. */
export interface MetricInfo {
  /** Words that name the metric in a message, such as "CPU usage". */
  readonly title: string;
  /** Unit of the value, as shown after it when `percent` is false, such as "ms". */
  readonly unit: string;
  /** The value is a fraction, shown as a percentage of `unit`, such as "93% of the CPU limit". */
  readonly percent: boolean;
  /** Whether the query measures the pods of one container type rather than the whole app. */
  readonly perContainerType: boolean;
  /** Requirements of the default query on the cluster, shown when it returns no data. */
  readonly prerequisites: string;
  /** Default PromQL template; docs/alerts.md lists its variables. */
  readonly query: string;
}

/** The container type's pods: kube-state-metrics' pod labels, one series per pod. */
const appPods =
  'max by (namespace, pod) (kube_pod_labels{namespace="{{namespace}}", {{podLabels}}})';

/** The app's Services: kube-state-metrics' Service labels, one series per Service. */
const appServices =
  'max by (namespace, service) (kube_service_labels{namespace="{{namespace}}", {{serviceLabels}}})';

/** Requests that ingress-nginx sent to the app's Services, per second, with a status matcher. */
function ingressRequests(statusMatcher: string): string {
  return (
    `sum(rate(nginx_ingress_controller_requests{namespace="{{namespace}}"${statusMatcher}}[{{rateWindow}}])` +
    ` * on (namespace, service) group_left () ${appServices})`
  );
}

/** Per-container usage divided by the container limit of one resource, for the app's pods. */
function fractionOfLimit(usage: string, resource: 'cpu' | 'memory'): string {
  return [
    '{{aggregation}}(',
    `  (sum by (namespace, pod, container) (${usage})`,
    '    / on (namespace, pod, container)',
    `  sum by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="{{namespace}}", resource="${resource}"}))`,
    `  * on (namespace, pod) group_left () ${appPods}`,
    ')',
  ].join('\n');
}

const containers = 'namespace="{{namespace}}", container!="", container!="POD"';

const podLabelsPrerequisite =
  'kube-state-metrics must export the pod labels (--metric-labels-allowlist=pods=[...] with the ' +
  'app and container type labels)';

const ingressPrerequisite =
  'the app must be served through ingress-nginx with its metrics scraped, and ' +
  'kube-state-metrics must export the Service labels (--metric-labels-allowlist=services=[...])';

/** Every metric an alert can watch, with its unit and default query. */
export const metricCatalogue: Readonly<Record<AlertMetric, MetricInfo>> = {
  cpu: {
    title: 'CPU usage',
    unit: 'the CPU limit',
    percent: true,
    perContainerType: true,
    prerequisites: `cAdvisor metrics; CPU limits on the containers; ${podLabelsPrerequisite}`,
    query: fractionOfLimit(
      `rate(container_cpu_usage_seconds_total{${containers}}[{{rateWindow}}])`,
      'cpu',
    ),
  },
  memory: {
    title: 'Memory usage',
    unit: 'the memory limit',
    percent: true,
    perContainerType: true,
    prerequisites: `cAdvisor metrics; memory limits on the containers; ${podLabelsPrerequisite}`,
    query: fractionOfLimit(`container_memory_working_set_bytes{${containers}}`, 'memory'),
  },
  swap: {
    title: 'Swap usage',
    unit: 'the memory limit',
    percent: true,
    perContainerType: true,
    prerequisites:
      'cAdvisor metrics with swap accounting on the nodes (cgroup v2 and the kubelet NodeSwap ' +
      `feature); memory limits on the containers; ${podLabelsPrerequisite}`,
    query: fractionOfLimit(`container_memory_swap{${containers}}`, 'memory'),
  },
  rpm: {
    title: 'Requests per minute',
    unit: 'requests/min',
    percent: false,
    perContainerType: false,
    prerequisites: ingressPrerequisite,
    query: `${ingressRequests('')} * 60`,
  },
  rpm_per_container: {
    title: 'Requests per minute per container',
    unit: 'requests/min per container',
    percent: false,
    perContainerType: true,
    prerequisites: `${ingressPrerequisite}; ready pods of the container type; ${podLabelsPrerequisite}`,
    query: [
      `${ingressRequests('')} * 60`,
      '/',
      `sum(max by (namespace, pod) (kube_pod_status_ready{namespace="{{namespace}}", condition="true"}) * on (namespace, pod) group_left () ${appPods})`,
    ].join('\n'),
  },
  '5xx': {
    title: '5xx responses per minute',
    unit: '5xx responses/min',
    percent: false,
    perContainerType: false,
    prerequisites: ingressPrerequisite,
    // With no 5xx response yet the first operand has no series, so `or` falls back to 0 as long
    // as the app received requests at all.
    query: `(${ingressRequests(', status=~"5.."')} or ${ingressRequests('')} * 0) * 60`,
  },
  p95_response_time: {
    title: '95th percentile response time',
    unit: 'ms',
    percent: false,
    perContainerType: false,
    prerequisites: `${ingressPrerequisite}; requests in the rate window`,
    query: [
      'histogram_quantile(0.95, sum by (le) (',
      `  rate(nginx_ingress_controller_request_duration_seconds_bucket{namespace="{{namespace}}"}[{{rateWindow}}])`,
      `  * on (namespace, service) group_left () ${appServices}`,
      ')) * 1000',
    ].join('\n'),
  },
};
