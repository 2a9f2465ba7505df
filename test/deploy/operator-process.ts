import { spawn, type ChildProcess } from 'node:child_process';
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import { findObject, objectsOfKind, repositoryRoot, type RenderedObject } from './manifests.ts';

/** The operator's entry point, the file `npm start` runs. */
export const operatorEntry = `${repositoryRoot}src/cli/operator.ts`;

/** The pod that a rendered Deployment's environment is resolved for. */
export interface PodIdentity {
  name: string;
  namespace: string;
  serviceAccountName: string;
  ip: string;
}

type DeploymentObject = RenderedObject & {
  spec: { template: { spec: { containers: V1Container[]; serviceAccountName?: string } } };
};

/** Returns a Deployment's one container, failing when it has several. */
export function operatorContainer(objects: RenderedObject[], name: string): V1Container {
  const deployment = findObject(objects, 'Deployment', name) as DeploymentObject;
  const containers = deployment.spec.template.spec.containers;
  if (containers.length !== 1 || !containers[0]) {
    throw new Error(
      `Deployment ${name} should have exactly one container, has ${containers.length}`,
    );
  }
  return containers[0];
}

/**
 * Resolves the environment variables that the Deployment's container gets in a pod: `envFrom`
 * ConfigMaps and Secrets from the rendered objects, then `env`, with downward API fields filled
 * from `pod`, as the kubelet does.
 */
export function deploymentEnvironment(
  objects: RenderedObject[],
  deploymentName: string,
  pod: PodIdentity,
): Record<string, string> {
  const container = operatorContainer(objects, deploymentName);
  const environment: Record<string, string> = {};

  for (const source of container.envFrom ?? []) {
    const reference = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = namedObject(objects, kind, reference?.name ?? '');
    if (!object) {
      if (reference?.optional) continue;
      throw new Error(`envFrom names ${kind} ${reference?.name}, which deploy/ does not define`);
    }
    Object.assign(environment, dataOf(object, kind));
  }
  for (const variable of container.env ?? []) {
    const value = resolveVariable(objects, variable, pod);
    if (value !== undefined) environment[variable.name] = value;
  }
  return environment;
}

function resolveVariable(
  objects: RenderedObject[],
  variable: V1EnvVar,
  pod: PodIdentity,
): string | undefined {
  if (variable.valueFrom === undefined) return variable.value ?? '';
  const { fieldRef, configMapKeyRef, secretKeyRef } = variable.valueFrom;

  if (fieldRef) {
    const fields: Record<string, string> = {
      'metadata.name': pod.name,
      'metadata.namespace': pod.namespace,
      'spec.serviceAccountName': pod.serviceAccountName,
      'status.podIP': pod.ip,
    };
    const value = fields[fieldRef.fieldPath];
    if (value === undefined) {
      throw new Error(
        `env ${variable.name} reads ${fieldRef.fieldPath}, which this test does not fill`,
      );
    }
    return value;
  }

  const reference = configMapKeyRef ?? secretKeyRef;
  const kind = configMapKeyRef ? 'ConfigMap' : 'Secret';
  const object = namedObject(objects, kind, reference?.name ?? '');
  const value = object ? dataOf(object, kind)[reference?.key ?? ''] : undefined;
  if (value === undefined && !reference?.optional) {
    throw new Error(
      `env ${variable.name} reads key ${reference?.key} of ${kind} ${reference?.name}, which deploy/ does not define`,
    );
  }
  return value;
}

function namedObject(
  objects: RenderedObject[],
  kind: string,
  name: string,
): RenderedObject | undefined {
  return objectsOfKind(objects, kind).find((object) => object.metadata?.name === name);
}

function dataOf(object: RenderedObject, kind: string): Record<string, string> {
  const data = (object.data ?? {}) as Record<string, string>;
  if (kind === 'ConfigMap') return { ...data };
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return { ...decoded, ...((object.stringData ?? {}) as Record<string, string>) };
}

/** An operator started as its own process, as in a pod, with its output kept for failures. */
export interface OperatorProcess {
  child: ChildProcess;
  /** stdout and stderr so far, up to the last 64 KiB. */
  output(): string;
  /** Sends SIGTERM and resolves to the exit code, failing after `timeoutMs`. */
  terminate(timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts `src/cli/operator.ts` with only `environment` (plus PATH and KUBECONFIG), so settings
 * of the shell running the tests cannot leak in.
 */
export function spawnOperator(options: {
  kubeconfigPath: string;
  environment: Record<string, string>;
  flags: string[];
}): OperatorProcess {
  const child = spawn(process.execPath, [operatorEntry, ...options.flags], {
    env: {
      ...options.environment,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KUBECONFIG: options.kubeconfigPath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

  return {
    child,
    output: () => output,
    async terminate(timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`operator did not exit within ${timeoutMs} ms of SIGTERM:\n${output}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
