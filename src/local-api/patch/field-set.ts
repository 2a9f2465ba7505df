import { getMember, isJsonMap, setMember, stableStringify, type JsonMap } from './json.ts';

/** A metadata.managedFields field set in the FieldsV1 encoding: `{"f:spec": {"f:app": {}}}`. */
export type FieldsV1 = { [key: string]: FieldsV1 };

/**
 * A field path as FieldsV1 keys from the root, such as `["f:spec", "f:app"]`. Keys other than
 * `f:<name>` (list keys `k:`, values `v:`, indices `i:`) are never produced here but are kept
 * verbatim when read back.
 */
export type FieldPath = readonly string[];

/** Returns the FieldsV1 key of an object member: `f:<name>`. */
export function fieldKey(name: string): string {
  return `f:${name}`;
}

/** A set of field paths, keyed by their JSON text so that equal paths are one member. */
export class FieldSet {
  private readonly members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  add(path: FieldPath): void {
    this.members.set(JSON.stringify(path), path);
  }

  has(path: FieldPath): boolean {
    return this.members.has(JSON.stringify(path));
  }

  get size(): number {
    return this.members.size;
  }

  paths(): FieldPath[] {
    return [...this.members.values()];
  }

  /** Tells whether the set contains `path` itself or any path below it. */
  hasAtOrBelow(path: FieldPath): boolean {
    return this.paths().some((member) => isPrefix(path, member));
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths(), ...other.paths()]);
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((path) => !other.has(path)));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((path) => other.has(path)));
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && this.paths().every((path) => other.has(path));
  }
}

/** Tells whether `prefix` equals `path` or is one of its ancestors. */
export function isPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

/**
 * Paths kube-apiserver never records in managedFields (apimachinery's stripMetaManager), plus
 * deletionTimestamp and deletionGracePeriodSeconds, which only the server's delete path writes.
 * The `metadata` node itself is stripped but its children are not.
 */
const strippedSubtrees: FieldPath[] = [
  [fieldKey('apiVersion')],
  [fieldKey('kind')],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ].map((name) => [fieldKey('metadata'), fieldKey(name)]),
];
const strippedNodes: FieldPath[] = [[fieldKey('metadata')]];

function isStripped(path: FieldPath): boolean {
  if (strippedNodes.some((node) => node.length === path.length && isPrefix(node, path)))
    return true;
  return strippedSubtrees.some((subtree) => isPrefix(subtree, path));
}

/**
 * Lists every node of an object below the root with a comparison signature. Objects, empty or
 * not, share one signature, so a map that only gains or loses members is not itself modified.
 * Any other value is compared by its JSON text. Lists are atomic, so list items are not nodes.
 * Stripped metadata paths are left out.
 */
export function nodesOf(object: JsonMap): Map<string, { path: FieldPath; signature: string }> {
  const nodes = new Map<string, { path: FieldPath; signature: string }>();

  const visit = (value: unknown, path: FieldPath): void => {
    if (path.length > 0 && !isStripped(path)) {
      const signature = isJsonMap(value) ? '{object}' : stableStringify(value);
      nodes.set(JSON.stringify(path), { path, signature });
    }
    if (!isJsonMap(value)) return;
    for (const [name, child] of Object.entries(value)) visit(child, [...path, fieldKey(name)]);
  };

  visit(object, []);
  return nodes;
}

/**
 * Computes the FieldsV1 set of every leaf field set in `object` ("f:spec": {"f:app": {}}, "."
 * markers for non-empty parents as kube-apiserver writes them). apiVersion, kind,
 * metadata.name/namespace/uid/resourceVersion/generation/creationTimestamp/managedFields/...
 * are excluded as kube does. Labels, annotations, finalizers and ownerReferences are included.
 * Lists are atomic (one leaf).
 *
 * Every node is a member, which is what kube-apiserver records for a manager that created the
 * object: a "." marker means that the manager also owns the existence of a non-empty map.
 * NOTE: kube writes no "." for an applier's fields that the CRD schema declares, so Apply
 * entries here show more "." markers than a real cluster's. The only effect beyond display is
 * a conflict when an applier replaces such a map with a non-map value.
 */
export function fieldSetOf(object: Record<string, unknown>): FieldsV1 {
  return encodeFieldSet(fieldPathsOf(object));
}

/** Returns the field set of `object` as paths, as fieldSetOf describes it. */
export function fieldPathsOf(object: JsonMap): FieldSet {
  return new FieldSet([...nodesOf(object).values()].map((node) => node.path));
}

/** Encodes a set as FieldsV1 with keys sorted and "." first, as kube-apiserver orders them. */
export function encodeFieldSet(set: FieldSet): FieldsV1 {
  const root: FieldsV1 = {};
  const isMember = new Set<FieldsV1>();

  for (const path of set.paths()) {
    let node = root;
    for (const key of path) {
      let child = getMember(node, key) as FieldsV1 | undefined;
      if (child === undefined) {
        child = {};
        setMember(node, key, child);
      }
      node = child;
    }
    isMember.add(node);
  }

  return sortFields(root, isMember);
}

function sortFields(node: FieldsV1, isMember: Set<FieldsV1>): FieldsV1 {
  const sorted: FieldsV1 = {};
  const keys = Object.keys(node).sort();
  if (keys.length > 0 && isMember.has(node)) setMember(sorted, '.', {});

  for (const key of keys) {
    setMember(
      sorted,
      key,
      sortFields((getMember(node, key) as FieldsV1 | undefined) ?? {}, isMember),
    );
  }
  return sorted;
}

/** Decodes FieldsV1 into paths; malformed members (not objects) are ignored. */
export function decodeFieldSet(fields: unknown): FieldSet {
  const set = new FieldSet();

  const visit = (node: JsonMap, path: FieldPath): void => {
    for (const [key, child] of Object.entries(node)) {
      if (key === '.') {
        if (path.length > 0) set.add(path);
        continue;
      }
      if (!isJsonMap(child)) continue;

      const childPath = [...path, key];
      if (Object.keys(child).length === 0) set.add(childPath);
      else visit(child, childPath);
    }
  };

  if (isJsonMap(fields)) visit(fields, []);
  return set;
}

/** Renders a path the way kube-apiserver prints it in conflicts: `.spec.app`. */
export function formatFieldPath(path: FieldPath): string {
  return path.map((key) => (key.startsWith('f:') ? `.${key.slice(2)}` : `[${key}]`)).join('');
}
