import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApiServer, type LocalApiServer } from '../../src/local-api/index.ts';
import {
  asOperatorKubeConfig,
  createKubeClients,
  operatorUserAgent,
} from '../../src/operator/kube.ts';
import { waitFor } from '../support/wait.ts';

// The RBAC test separates the operator's requests from the test's own by this User-Agent, so
// every way the operator reaches the API server must send it.
describe('operator User-Agent', () => {
  let server: LocalApiServer;
  let plain: KubeConfig;

  beforeAll(async () => {
    server = await startLocalApiServer({ port: 0 });
    plain = new KubeConfig();
    plain.loadFromString(server.kubeconfig());
  });

  afterAll(async () => {
    await server?.close();
  });

  const agentsOf = (resource: string) =>
    server.audit
      .records()
      .filter((record) => record.resource === resource)
      .map((record) => record.userAgent);

  it('is sent by the API clients', async () => {
    const clients = createKubeClients(plain);
    await clients.core.listNamespacedConfigMap({ namespace: 'default' });
    expect(agentsOf('configmaps')).toEqual([operatorUserAgent]);
  });

  it('is sent by watches', async () => {
    const config = asOperatorKubeConfig(plain);
    const request = await new Watch(config).watch(
      '/api/v1/namespaces/default/secrets',
      {},
      () => undefined,
      () => undefined,
    );
    try {
      await waitFor('the watch to be recorded', () =>
        agentsOf('secrets').length > 0 ? true : undefined,
      );
    } finally {
      request.abort();
    }
    expect(agentsOf('secrets')).toEqual([operatorUserAgent]);
  });

  it('is sent by clients made from the converted config', async () => {
    await asOperatorKubeConfig(plain).makeApiClient(CoreV1Api).listNamespace();
    expect(agentsOf('namespaces')).toEqual([operatorUserAgent]);
  });

  it('leaves the plain config unchanged', async () => {
    await plain.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'default' });
    expect(agentsOf('events')).toEqual([expect.stringMatching(/^kubernetes-client-javascript\//)]);
  });
});
