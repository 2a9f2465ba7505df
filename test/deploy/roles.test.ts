import { beforeAll, describe, expect, it } from 'vitest';
import {
  baseFolder,
  findObject,
  objectsOfKind,
  renderKustomization,
  type RenderedObject,
} from './manifests.ts';
import { expandRules, permissionKey, rulesOf, type Permission } from './rbac-rules.ts';

const readVerbs = ['get', 'list', 'watch'];
const writeVerbs = ['create', 'update', 'patch', 'delete', 'deletecollection'];

let objects: RenderedObject[];
/** The plural of every Herald CRD, such as notifiers. */
let heraldResources: string[];

beforeAll(async () => {
  objects = await renderKustomization(baseFolder);
  heraldResources = objectsOfKind(objects, 'CustomResourceDefinition').map(
    (crd) => (crd.spec as { names: { plural: string } }).names.plural,
  );
});

/** Resolves a people's ClusterRole, aggregation included, into permission keys. */
function permissionsOf(roleName: string): Set<string> {
  const role = findObject(objects, 'ClusterRole', roleName);
  return new Set(expandRules(rulesOf(role, objects), roleName).map(permissionKey));
}

function herald(resource: string, verb: string): string {
  const [name = '', subresource] = resource.split('/');
  const permission: Permission = { apiGroup: 'herald.dev', resource: name, verb };
  if (subresource) permission.subresource = subresource;
  return permissionKey(permission);
}

describe('people ClusterRoles', () => {
  it.each([
    ['herald-viewer', 'herald.dev/aggregate-to-viewer'],
    ['herald-editor', 'herald.dev/aggregate-to-editor'],
    ['herald-emitter', 'herald.dev/aggregate-to-emitter'],
  ])('%s aggregates %s', (roleName, label) => {
    const role = findObject(objects, 'ClusterRole', roleName) as RenderedObject & {
      aggregationRule?: { clusterRoleSelectors?: Array<{ matchLabels?: Record<string, string> }> };
    };
    const labels = role.aggregationRule?.clusterRoleSelectors?.map(
      (selector) => selector.matchLabels,
    );
    expect(labels).toContainEqual({ [label]: 'true' });
  });

  it.each([
    ['herald-viewer', 'rbac.authorization.k8s.io/aggregate-to-view'],
    ['herald-viewer', 'rbac.authorization.k8s.io/aggregate-to-edit'],
    ['herald-editor', 'rbac.authorization.k8s.io/aggregate-to-edit'],
    ['herald-editor', 'rbac.authorization.k8s.io/aggregate-to-admin'],
  ])('%s feeds the built-in role by %s', (roleName, label) => {
    const role = findObject(objects, 'ClusterRole', roleName);
    expect(role.metadata?.labels?.[label]).toBe('true');
  });

  it('viewer reads every Herald resource', () => {
    const permissions = permissionsOf('herald-viewer');
    for (const resource of heraldResources) {
      for (const verb of readVerbs) expect(permissions).toContain(herald(resource, verb));
    }
  });

  it('viewer changes nothing', () => {
    const writes = [...permissionsOf('herald-viewer')].filter((key) =>
      writeVerbs.includes(key.split(' ')[0] ?? ''),
    );
    expect(writes).toEqual([]);
  });

  it('editor changes every Herald resource but AppEvents', () => {
    const permissions = permissionsOf('herald-editor');
    for (const resource of heraldResources.filter((each) => each !== 'appevents')) {
      for (const verb of [...readVerbs, ...writeVerbs]) {
        expect(permissions).toContain(herald(resource, verb));
      }
    }
  });

  it.each(['herald-viewer', 'herald-editor', 'herald-emitter'])(
    '%s never writes a status',
    (roleName) => {
      const statusWrites = [...permissionsOf(roleName)].filter(
        (key) => key.endsWith('/status') && !key.startsWith('get '),
      );
      expect(statusWrites).toEqual([]);
    },
  );

  it('emitter creates and reads AppEvents only', () => {
    expect([...permissionsOf('herald-emitter')].sort()).toEqual(
      [
        herald('appevents', 'create'),
        herald('appevents', 'get'),
        herald('appevents/status', 'get'),
      ].sort(),
    );
  });

  it.each(['herald-viewer', 'herald-editor', 'herald-emitter'])(
    '%s grants nothing outside herald.dev',
    (roleName) => {
      const outside = [...permissionsOf(roleName)].filter(
        (key) => key.split(' ')[1] !== 'herald.dev',
      );
      expect(outside).toEqual([]);
    },
  );
});
