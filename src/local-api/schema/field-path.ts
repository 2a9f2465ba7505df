/**
 * Field paths as k8s.io/apimachinery's field.Path prints them: `spec.items[2]` for list items,
 * `spec.labels[app]` for map keys. The empty string is the nil path (the object root).
 */

/** Appends a named field: `spec` + `replicas` is `spec.replicas`. */
export function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** Appends a map key: `spec.labels` + `app` is `spec.labels[app]`. */
export function keyPath(parent: string, key: string): string {
  return `${parent}[${key}]`;
}

/** Appends a list index: `spec.items` + 2 is `spec.items[2]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** Prints a path as a cause's field; the nil path prints as `<nil>`, as field.Path does. */
export function renderPath(path: string): string {
  return path === '' ? '<nil>' : path;
}
