import { beforeAll, describe, expect, it } from 'vitest';
import {
  baseFolder,
  namespacedOverlayFolder,
  objectsOfKind,
  operatorNamespace,
  renderKustomization,
  type RenderedObject,
} from './manifests.ts';
import {
  grantsOf,
  missingRules,
  permissionKey,
  unusedRules,
  wildcardsIn,
  type Grant,
} from './rbac-rules.ts';
import { runOperatorScenario, scenarioNamespace, type ScenarioResult } from './rbac-scenario.ts';

const operatorAccount = { name: 'herald-operator', namespace: operatorNamespace };

// Each block runs the operator once through the whole scenario (a few seconds), then compares
// what it requested with what deploy/ grants its ServiceAccount.
describe('operator RBAC, cluster-wide', () => {
  let objects: RenderedObject[];
  let grants: Grant[];
  let result: ScenarioResult;

  beforeAll(async () => {
    objects = await renderKustomization(baseFolder);
    grants = grantsOf(objects, operatorAccount);
    result = await runOperatorScenario(objects);
  });

  it('operator exits 0 on SIGTERM', () => {
    expect(result.exitCode, result.output).toBe(0);
  });

  it('scenario reaches every Herald kind', () => {
    const resources = new Set(result.records.map((record) => record.resource));
    for (const resource of ['notifiers', 'appevents', 'apps', 'alerts', 'secrets', 'leases']) {
      expect(resources, `no request on ${resource}`).toContain(resource);
    }
  });

  it('grants every request the operator makes', () => {
    expect(missingRules(result.records, grants)).toEqual([]);
  });

  it('grants nothing the operator does not use', () => {
    expect(unusedRules(grants, result.records)).toEqual([]);
  });

  it('uses no wildcard in any role', () => {
    const roles = [...objectsOfKind(objects, 'ClusterRole'), ...objectsOfKind(objects, 'Role')];
    expect(roles.flatMap(wildcardsIn)).toEqual([]);
  });

  it('never lists or watches Secrets', () => {
    const secretVerbs = grants
      .filter((grant) => grant.apiGroup === '' && grant.resource === 'secrets')
      .map((grant) => grant.verb);
    expect(secretVerbs).toEqual(['get']);
  });
});

describe('operator RBAC, namespaced overlay', () => {
  let objects: RenderedObject[];
  let grants: Grant[];
  let result: ScenarioResult;

  beforeAll(async () => {
    objects = await renderKustomization(namespacedOverlayFolder);
    grants = grantsOf(objects, operatorAccount);
    result = await runOperatorScenario(objects);
  });

  it('operator exits 0 on SIGTERM', () => {
    expect(result.exitCode, result.output).toBe(0);
  });

  it('grants nothing cluster-wide', () => {
    const clusterWide = grants.filter((grant) => grant.namespace === undefined);
    expect(clusterWide.map((grant) => `${permissionKey(grant)} (${grant.source})`)).toEqual([]);
  });

  it('grants every request within its namespaces', () => {
    expect(missingRules(result.records, grants)).toEqual([]);
  });

  it('sends no request outside its namespaces', () => {
    const watched = new Set(grants.map((grant) => grant.namespace));
    const outside = result.records.filter(
      (record) => record.namespace === undefined || !watched.has(record.namespace),
    );
    expect(outside).toEqual([]);
  });

  it('reaches the scenario namespace', () => {
    const namespaces = new Set(result.records.map((record) => record.namespace));
    expect(namespaces).toContain(scenarioNamespace);
  });
});
