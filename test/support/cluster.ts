import { fileURLToPath } from 'node:url';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { AppEventSpec, AppEventStatus, DeliveryRecord } from '../../src/api/app-event.ts';
import type { AppSpecInput, AppStatus } from '../../src/api/app.ts';
import { group, version } from '../../src/api/group.ts';
import type { NotifierSpecInput, NotifierStatus } from '../../src/api/notifier.ts';
import { startLocalApiServer, type LocalApiServer } from '../../src/local-api/index.ts';
import { installCrds } from '../../src/util/manifests.ts';
import { waitFor } from './wait.ts';

export const crdFolder = fileURLToPath(new URL('../../crds', import.meta.url));

/** A node of a CRD's openAPIV3Schema, as raw JSON. */
export interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: unknown[];
  [keyword: string]: unknown;
}

export type AppEventObject = KubernetesObject & { spec: AppEventSpec; status?: AppEventStatus };
export type AppObject = KubernetesObject & { spec: AppSpecInput; status?: AppStatus };
export type NotifierObject = KubernetesObject & {
  spec: NotifierSpecInput;
  status?: NotifierStatus;
};

/** The local API server with Herald's CRDs installed, and helpers to write Herald objects. */
export interface TestCluster {
  server: LocalApiServer;
  kubeConfig: KubeConfig;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  createNamespace(name: string): Promise<void>;
  createSecret(namespace: string, name: string, data: Record<string, string>): Promise<void>;
  createNotifier(namespace: string, name: string, spec: NotifierSpecInput): Promise<NotifierObject>;
  patchNotifier(namespace: string, name: string, spec: Partial<NotifierSpecInput>): Promise<void>;
  deleteNotifier(namespace: string, name: string): Promise<void>;
  createEvent(namespace: string, spec: AppEventSpec, name?: string): Promise<AppEventObject>;
  createApp(namespace: string, name: string, spec: AppSpecInput): Promise<AppObject>;
  replaceApp(namespace: string, name: string, spec: AppSpecInput): Promise<void>;
  getApp(namespace: string, name: string): Promise<AppObject>;
  getEvent(namespace: string, name: string): Promise<AppEventObject>;
  getNotifier(namespace: string, name: string): Promise<NotifierObject>;
  /**
   * Changes the stored schema of a Herald CRD, as an older or newer CRD version would, so tests
   * can store objects that the current schema rejects.
   */
  updateCrdSchema(name: string, change: (schema: SchemaNode) => void): Promise<void>;
  /** Waits until the event reaches a phase other than Pending and returns it. */
  waitForFinal(namespace: string, name: string, timeoutMs?: number): Promise<AppEventObject>;
  /** Waits until the notifier's Ready condition has the given status and reason. */
  waitForReady(
    namespace: string,
    name: string,
    status: string,
    reason?: string,
  ): Promise<NotifierObject>;
  close(): Promise<void>;
}

/** Starts a local API server on an ephemeral port and installs the CRDs from crds/. */
export async function startTestCluster(): Promise<TestCluster> {
  const server = await startLocalApiServer({ port: 0 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfig());
  await installCrds(kubeConfig, crdFolder);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const notifiers = { group, version, plural: 'notifiers' };
  const appevents = { group, version, plural: 'appevents' };
  const apps = { group, version, plural: 'apps' };

  const getEvent = async (namespace: string, name: string) =>
    (await custom.getNamespacedCustomObject({ ...appevents, namespace, name })) as AppEventObject;
  const getNotifier = async (namespace: string, name: string) =>
    (await custom.getNamespacedCustomObject({ ...notifiers, namespace, name })) as NotifierObject;

  return {
    server,
    kubeConfig,
    custom,
    core,
    async createNamespace(name) {
      await core.createNamespace({ body: { metadata: { name } } });
    },
    async createSecret(namespace, name, data) {
      await core.createNamespacedSecret({
        namespace,
        body: { metadata: { name }, stringData: data },
      });
    },
    async createNotifier(namespace, name, spec) {
      return (await custom.createNamespacedCustomObject({
        ...notifiers,
        namespace,
        body: { apiVersion: `${group}/${version}`, kind: 'Notifier', metadata: { name }, spec },
      })) as NotifierObject;
    },
    async patchNotifier(namespace, name, spec) {
      await retryOnConflict(async () => {
        const current = await getNotifier(namespace, name);
        await custom.replaceNamespacedCustomObject({
          ...notifiers,
          namespace,
          name,
          body: { ...current, spec: { ...current.spec, ...spec } },
        });
      });
    },
    async deleteNotifier(namespace, name) {
      await custom.deleteNamespacedCustomObject({ ...notifiers, namespace, name });
    },
    async createEvent(namespace, spec, name) {
      const metadata = name ? { name } : { generateName: `${spec.app}-` };
      return (await custom.createNamespacedCustomObject({
        ...appevents,
        namespace,
        body: { apiVersion: `${group}/${version}`, kind: 'AppEvent', metadata, spec },
      })) as AppEventObject;
    },
    async createApp(namespace, name, spec) {
      return (await custom.createNamespacedCustomObject({
        ...apps,
        namespace,
        body: { apiVersion: `${group}/${version}`, kind: 'App', metadata: { name }, spec },
      })) as AppObject;
    },
    async replaceApp(namespace, name, spec) {
      await retryOnConflict(async () => {
        const current = (await custom.getNamespacedCustomObject({
          ...apps,
          namespace,
          name,
        })) as AppObject;
        await custom.replaceNamespacedCustomObject({
          ...apps,
          namespace,
          name,
          body: { ...current, spec },
        });
      });
    },
    async getApp(namespace, name) {
      return (await custom.getNamespacedCustomObject({ ...apps, namespace, name })) as AppObject;
    },
    getEvent,
    getNotifier,
    async updateCrdSchema(name, change) {
      const crds = {
        group: 'apiextensions.k8s.io',
        version: 'v1',
        plural: 'customresourcedefinitions',
      };
      const crd = (await custom.getClusterCustomObject({ ...crds, name })) as {
        spec: { versions: Array<{ schema: { openAPIV3Schema: SchemaNode } }> };
      };
      for (const each of crd.spec.versions) change(each.schema.openAPIV3Schema);
      await custom.replaceClusterCustomObject({ ...crds, name, body: crd });
    },
    async waitForFinal(namespace, name, timeoutMs = 10_000) {
      return waitFor(
        `AppEvent ${namespace}/${name} to reach a final phase`,
        async () => {
          const event = await getEvent(namespace, name);
          const phase = event.status?.phase;
          return phase && phase !== 'Pending' ? event : undefined;
        },
        { timeoutMs },
      );
    },
    async waitForReady(namespace, name, status, reason) {
      return waitFor(`Notifier ${namespace}/${name} Ready=${status} ${reason ?? ''}`, async () => {
        const notifier = await getNotifier(namespace, name);
        const ready = notifier.status?.conditions?.find((condition) => condition.type === 'Ready');
        const matches = ready?.status === status && (!reason || ready.reason === reason);
        return matches ? notifier : undefined;
      });
    },
    close: () => server.close(),
  };
}

/**
 * Runs a read-modify-write again when the API server returns 409 Conflict, because the operator
 * may write the object's status between the read and the write, as any client must expect.
 */
export async function retryOnConflict(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      const conflict = (error as { code?: number }).code === 409;
      if (!conflict || attempt >= 5) throw error;
    }
  }
}

/** Returns the delivery record of one notifier in an event's status. */
export function deliveryOf(event: AppEventObject, notifier: string): DeliveryRecord | undefined {
  return event.status?.deliveries?.find((delivery) => delivery.notifier === notifier);
}
