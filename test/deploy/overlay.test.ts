import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/operator/config.ts';
import {
  generatedConfigMap,
  namespacedOverlayFolder,
  objectsOfKind,
  operatorNamespace,
  renderKustomization,
  type RenderedObject,
} from './manifests.ts';
import { deploymentEnvironment } from './operator-process.ts';

type Binding = RenderedObject & {
  roleRef: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
};

describe('overlays/namespaced', () => {
  let objects: RenderedObject[];
  let operatorBindings: Binding[];

  beforeAll(async () => {
    objects = await renderKustomization(namespacedOverlayFolder);
    operatorBindings = [
      ...objectsOfKind(objects, 'ClusterRoleBinding'),
      ...objectsOfKind(objects, 'RoleBinding'),
    ].filter((binding) =>
      ((binding as Binding).subjects ?? []).some(
        (subject) => subject.kind === 'ServiceAccount' && subject.name === 'herald-operator',
      ),
    ) as Binding[];
  });

  /** Namespaces where a RoleBinding grants the operator its ClusterRole. */
  function boundNamespaces(): string[] {
    return operatorBindings
      .filter((binding) => binding.kind === 'RoleBinding')
      .filter((binding) => binding.roleRef.kind === 'ClusterRole')
      .filter((binding) => binding.roleRef.name === 'herald-operator')
      .map((binding) => binding.metadata?.namespace ?? '')
      .sort();
  }

  it('binds the operator to no ClusterRoleBinding', () => {
    const clusterWide = operatorBindings.filter((binding) => binding.kind === 'ClusterRoleBinding');
    expect(clusterWide.map((binding) => binding.metadata?.name)).toEqual([]);
  });

  it('watches exactly the namespaces it is bound in', () => {
    const environment = deploymentEnvironment(objects, 'herald-operator', {
      name: 'herald-operator-0',
      namespace: operatorNamespace,
      serviceAccountName: 'herald-operator',
      ip: '127.0.0.1',
    });
    const config = loadConfig([], environment);
    expect([...config.namespaces].sort()).toEqual(boundNamespaces());
  });

  it('keeps the base settings in its ConfigMap', () => {
    const data = generatedConfigMap(objects, 'herald-operator').data as Record<string, string>;
    expect(data.LOG_LEVEL).toBe('info');
    expect(data.HERALD_NAMESPACES).toBe('shop,billing');
  });

  it('keeps the operator Role in its own namespace', () => {
    const own = operatorBindings.filter(
      (binding) =>
        binding.roleRef.kind === 'Role' && binding.metadata?.namespace === operatorNamespace,
    );
    expect(own).toHaveLength(1);
  });
});
