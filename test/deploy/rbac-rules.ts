import type {
  V1AggregationRule,
  V1PolicyRule,
  V1RoleRef,
  RbacV1Subject,
} from '@kubernetes/client-node';
import type { AuditRecord } from '../../src/local-api/index.ts';
import { objectsOfKind, type RenderedObject } from './manifests.ts';

/** A verb on one resource, or one subresource, of an API group ("" is the core group). */
export interface Permission {
  apiGroup: string;
  resource: string;
  subresource?: string;
  verb: string;
}

/** A permission held by a subject, with its scope and the role and binding that grant it. */
export interface Grant extends Permission {
  /** The one namespace a RoleBinding grants it in; undefined for every namespace. */
  namespace: string | undefined;
  /** Such as `ClusterRole herald-operator via ClusterRoleBinding herald-operator`. */
  source: string;
}

/** A ServiceAccount, the subject whose grants are collected. */
export interface ServiceAccountRef {
  name: string;
  namespace: string;
}

type RoleObject = RenderedObject & { rules?: V1PolicyRule[]; aggregationRule?: V1AggregationRule };
type BindingObject = RenderedObject & { roleRef: V1RoleRef; subjects?: RbacV1Subject[] };

/** Builds a stable key of a permission, such as `update herald.dev notifiers/status`. */
export function permissionKey(permission: Permission): string {
  const group = permission.apiGroup === '' ? 'core' : permission.apiGroup;
  const resource = permission.subresource
    ? `${permission.resource}/${permission.subresource}`
    : permission.resource;
  return `${permission.verb} ${group} ${resource}`;
}

/**
 * Returns the rules of a Role or ClusterRole. An aggregated ClusterRole gets the rules of every
 * rendered ClusterRole that one of its selectors matches, as the controller manager fills them in.
 */
export function rulesOf(role: RenderedObject, objects: RenderedObject[]): V1PolicyRule[] {
  const { aggregationRule, rules } = role as RoleObject;
  if (!aggregationRule) return rules ?? [];

  const selectors = aggregationRule.clusterRoleSelectors ?? [];
  for (const selector of selectors) {
    if (selector.matchExpressions?.length) {
      throw new Error(
        `ClusterRole ${role.metadata?.name} aggregates with matchExpressions, which this test does not evaluate; use matchLabels`,
      );
    }
  }
  const matches = (candidate: RenderedObject) =>
    selectors.some((selector) =>
      Object.entries(selector.matchLabels ?? {}).every(
        ([key, value]) => candidate.metadata?.labels?.[key] === value,
      ),
    );
  return objectsOfKind(objects, 'ClusterRole')
    .filter((candidate) => candidate !== role && matches(candidate))
    .flatMap((candidate) => (candidate as RoleObject).rules ?? []);
}

/** Expands rules into one permission per API group, resource and verb. */
export function expandRules(rules: V1PolicyRule[], roleName: string): Permission[] {
  const permissions: Permission[] = [];
  for (const rule of rules) {
    if (rule.nonResourceURLs?.length) {
      throw new Error(`${roleName} grants nonResourceURLs, which Herald's operator never requests`);
    }
    for (const apiGroup of rule.apiGroups ?? []) {
      for (const qualified of rule.resources ?? []) {
        const [resource = '', subresource] = qualified.split('/');
        for (const verb of rule.verbs) {
          permissions.push({ apiGroup, resource, ...(subresource ? { subresource } : {}), verb });
        }
      }
    }
  }
  return permissions;
}

/**
 * Collects what the rendered bindings grant to a ServiceAccount: ClusterRoleBindings in every
 * namespace, RoleBindings in their own namespace.
 */
export function grantsOf(objects: RenderedObject[], account: ServiceAccountRef): Grant[] {
  const bindings = [
    ...objectsOfKind(objects, 'ClusterRoleBinding'),
    ...objectsOfKind(objects, 'RoleBinding'),
  ] as BindingObject[];
  const grants: Grant[] = [];

  for (const binding of bindings) {
    const boundToAccount = (binding.subjects ?? []).some(
      (subject) =>
        subject.kind === 'ServiceAccount' &&
        subject.name === account.name &&
        subject.namespace === account.namespace,
    );
    if (!boundToAccount) continue;

    const bindingNamespace =
      binding.kind === 'RoleBinding' ? (binding.metadata?.namespace ?? 'default') : undefined;
    const role = findRole(objects, binding.roleRef, bindingNamespace);
    const roleName = `${binding.roleRef.kind} ${binding.roleRef.name}`;
    const source = `${roleName} via ${binding.kind} ${binding.metadata?.name}`;
    for (const permission of expandRules(rulesOf(role, objects), roleName)) {
      grants.push({ ...permission, namespace: bindingNamespace, source });
    }
  }
  return grants;
}

function findRole(
  objects: RenderedObject[],
  roleRef: V1RoleRef,
  bindingNamespace: string | undefined,
): RenderedObject {
  const role = objects.find(
    (object) =>
      object.kind === roleRef.kind &&
      object.metadata?.name === roleRef.name &&
      (roleRef.kind === 'ClusterRole' || object.metadata?.namespace === bindingNamespace),
  );
  if (!role) {
    throw new Error(
      `a binding refers to ${roleRef.kind} ${roleRef.name}, which deploy/ does not define`,
    );
  }
  return role;
}

/** Reports whether a grant covers a request: same permission, and a scope with its namespace. */
export function grantCovers(grant: Grant, record: AuditRecord): boolean {
  if (permissionKey(grant) !== permissionKey(record)) return false;
  return grant.namespace === undefined || grant.namespace === record.namespace;
}

/** Requests that no grant covers, each described with the rule that would allow it. */
export function missingRules(records: AuditRecord[], grants: Grant[]): string[] {
  return records
    .filter((record) => !grants.some((grant) => grantCovers(grant, record)))
    .map(describeMissingRule);
}

/** Grants whose permission no request used, in any namespace. */
export function unusedRules(grants: Grant[], records: AuditRecord[]): string[] {
  const used = new Set(records.map(permissionKey));
  const unused = grants.filter((grant) => !used.has(permissionKey(grant)));
  return [...new Set(unused.map((grant) => `${permissionKey(grant)} (${grant.source})`))];
}

/** Names a request's missing rule in the form it takes in a Role's `rules`. */
export function describeMissingRule(record: AuditRecord): string {
  const resource = record.subresource
    ? `${record.resource}/${record.subresource}`
    : record.resource;
  const scope = record.namespace
    ? `in namespace ${record.namespace}`
    : 'across all namespaces or on a cluster-scoped resource';
  return (
    `${record.verb} on ${resource} ${scope} is not granted; add ` +
    `{ apiGroups: ['${record.apiGroup}'], resources: ['${resource}'], verbs: ['${record.verb}'] } ` +
    'to the herald-operator ClusterRole in deploy/base/operator-role.yaml, or to the Role there ' +
    "when the objects live in the operator's own namespace"
  );
}

/** Every `*` in a role's rules, which deploy/ must never grant. */
export function wildcardsIn(role: RenderedObject): string[] {
  const found: string[] = [];
  for (const rule of (role as RoleObject).rules ?? []) {
    for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames'] as const) {
      if ((rule[field] ?? []).some((value) => value.includes('*'))) {
        found.push(`${role.kind} ${role.metadata?.name}: ${field} contains *`);
      }
    }
  }
  return found;
}
