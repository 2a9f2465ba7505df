import type {
  V1Container,
  V1Deployment,
  V1LabelSelector,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1Service,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, settings, type OperatorConfig } from '../../src/operator/config.ts';
import {
  baseFolder,
  findObject,
  generatedConfigMap,
  operatorNamespace,
  renderKustomization,
  type RenderedObject,
} from './manifests.ts';
import { deploymentEnvironment, operatorContainer } from './operator-process.ts';

// The local API server does not serve these kinds, so they are checked by parsing.
let objects: RenderedObject[];
let deployment: V1Deployment;
let container: V1Container;
let podLabels: Record<string, string>;

beforeAll(async () => {
  objects = await renderKustomization(baseFolder);
  deployment = findObject(objects, 'Deployment', 'herald-operator') as V1Deployment;
  container = operatorContainer(objects, 'herald-operator');
  podLabels = deployment.spec?.template.metadata?.labels ?? {};
});

/** Reports whether a selector's matchLabels all appear in the operator pods' labels. */
function selectsPods(selector: V1LabelSelector | Record<string, string> | undefined): boolean {
  const labels = selector && 'matchLabels' in selector ? selector.matchLabels : selector;
  if (!labels || Object.keys(labels).length === 0) return false;
  return Object.entries(labels).every(([key, value]) => podLabels[key] === value);
}

/** Reads the operator's settings in a pod of the Deployment, as the operator reads them. */
function podConfig(): OperatorConfig {
  const environment = deploymentEnvironment(objects, 'herald-operator', {
    name: 'herald-operator-0',
    namespace: operatorNamespace,
    serviceAccountName: 'herald-operator',
    ip: '10.0.0.10',
  });
  return loadConfig([], environment);
}

function containerPort(name: string): number | undefined {
  return container.ports?.find((port) => port.name === name)?.containerPort;
}

describe('Deployment herald-operator', () => {
  it('runs two replicas', () => {
    expect(deployment.spec?.replicas).toBe(2);
  });

  it('selects its own pods', () => {
    expect(selectsPods(deployment.spec?.selector)).toBe(true);
  });

  it('runs as the herald-operator ServiceAccount', () => {
    expect(deployment.spec?.template.spec?.serviceAccountName).toBe('herald-operator');
    expect(findObject(objects, 'ServiceAccount', 'herald-operator')).toBeDefined();
  });

  it('keeps a replica up during a rollout', () => {
    expect(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it('runs the pod as a non-root user', () => {
    const pod = deployment.spec?.template.spec?.securityContext;
    expect(pod?.runAsNonRoot).toBe(true);
    expect(pod?.runAsUser).toBeGreaterThan(0);
    expect(pod?.seccompProfile?.type).toBe('RuntimeDefault');
  });

  it('locks the container down', () => {
    const security = container.securityContext;
    expect(security?.runAsNonRoot).toBe(true);
    expect(security?.readOnlyRootFilesystem).toBe(true);
    expect(security?.allowPrivilegeEscalation).toBe(false);
    expect(security?.capabilities?.drop).toEqual(['ALL']);
    expect(security?.privileged ?? false).toBe(false);
  });

  it('gives the read-only root filesystem a writable /tmp', () => {
    const mount = container.volumeMounts?.find((each) => each.mountPath === '/tmp');
    const volume = deployment.spec?.template.spec?.volumes?.find(
      (each) => each.name === mount?.name,
    );
    expect(volume?.emptyDir).toBeDefined();
  });

  it.each([
    ['livenessProbe', '/healthz'],
    ['readinessProbe', '/readyz'],
    ['startupProbe', '/healthz'],
  ] as const)('%s checks %s on the metrics port', (probe, path) => {
    const check = container[probe]?.httpGet;
    expect(check?.path).toBe(path);
    expect(check?.port).toBe('metrics');
  });

  it('names the metrics port', () => {
    expect(containerPort('metrics')).toBe(8081);
  });

  it('requests CPU and memory and limits memory', () => {
    expect(container.resources?.requests?.cpu).toBeDefined();
    expect(container.resources?.requests?.memory).toBeDefined();
    expect(container.resources?.limits?.memory).toBeDefined();
  });

  it('pins the image tag', () => {
    expect(container.image).toMatch(/^herald:\d+\.\d+\.\d+$/);
  });

  it.each([
    ['POD_NAMESPACE', 'metadata.namespace'],
    ['HERALD_IDENTITY', 'metadata.name'],
  ])('sets %s from %s', (name, fieldPath) => {
    const variable = container.env?.find((each) => each.name === name);
    expect(variable?.valueFrom?.fieldRef?.fieldPath).toBe(fieldPath);
  });

  it('elects a leader among its replicas', () => {
    expect(podConfig().leaderElect).toBe(true);
  });

  it('serves probes on the port the operator listens on', () => {
    expect(podConfig().healthAddress?.port).toBe(containerPort('metrics'));
  });

  it('waits for the graceful shutdown before SIGKILL', () => {
    const config = podConfig();
    const graceMs = (deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    expect(graceMs).toBeGreaterThan(config.shutdownTimeoutMs + config.lease.renewDeadlineMs);
  });

  it('sets only environment variables the operator reads', () => {
    const known = new Set(settings.map((setting) => setting.env));
    const configMap = generatedConfigMap(objects, 'herald-operator');
    const names = [
      ...Object.keys((configMap.data ?? {}) as Record<string, string>),
      ...(container.env ?? []).map((each) => each.name),
    ];
    expect(names.filter((name) => !known.has(name))).toEqual([]);
  });

  it('reads the generated ConfigMap', () => {
    const configMap = generatedConfigMap(objects, 'herald-operator');
    const references = (container.envFrom ?? []).map((each) => each.configMapRef?.name);
    expect(references).toEqual([configMap.metadata?.name]);
  });
});

describe('Service herald-operator-metrics', () => {
  let service: V1Service;

  beforeAll(() => {
    service = findObject(objects, 'Service', 'herald-operator-metrics') as V1Service;
  });

  it('selects the operator pods', () => {
    expect(selectsPods(service.spec?.selector)).toBe(true);
  });

  it('forwards to the metrics port', () => {
    const port = service.spec?.ports?.find((each) => each.name === 'metrics');
    expect(port?.targetPort).toBe('metrics');
    expect(port?.port).toBe(containerPort('metrics'));
  });
});

describe('PodDisruptionBudget herald-operator', () => {
  let budget: V1PodDisruptionBudget;

  beforeAll(() => {
    budget = findObject(objects, 'PodDisruptionBudget', 'herald-operator') as V1PodDisruptionBudget;
  });

  it('allows one pod down at a time', () => {
    expect(budget.spec?.maxUnavailable).toBe(1);
    expect(budget.spec?.minAvailable).toBeUndefined();
  });

  it('selects the operator pods', () => {
    expect(selectsPods(budget.spec?.selector)).toBe(true);
  });
});

describe('NetworkPolicy herald-operator', () => {
  let policy: V1NetworkPolicy;

  beforeAll(() => {
    policy = findObject(objects, 'NetworkPolicy', 'herald-operator') as V1NetworkPolicy;
  });

  it('applies to the operator pods both ways', () => {
    expect(selectsPods(policy.spec?.podSelector)).toBe(true);
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('lets in only the metrics port', () => {
    const ports = (policy.spec?.ingress ?? []).flatMap((rule) => rule.ports ?? []);
    expect(ports.map((port) => port.port)).toEqual(['metrics']);
  });

  it.each([
    ['0.0.0.0/0', '169.254.0.0/16'],
    ['0.0.0.0/0', '100.100.100.200/32'],
    ['::/0', 'fe80::/10'],
    ['::/0', 'fd00:ec2::254/128'],
  ])('egress to %s excepts %s', (range, blocked) => {
    const blocks = (policy.spec?.egress ?? [])
      .flatMap((rule) => rule.to ?? [])
      .flatMap((peer) => (peer.ipBlock?.cidr === range ? [peer.ipBlock] : []));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.except).toContain(blocked);
  });
});
