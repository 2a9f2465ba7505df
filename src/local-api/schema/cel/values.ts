/**
 * Conversion of decoded JSON to CEL values, typed by the schema as kube-apiserver types them:
 * integers become CEL ints, numbers doubles, objects with declared properties maps keyed by the
 * escaped property names, and values without a schema (under preserve-unknown-fields) dynamic.
 */
import type { CelInput } from '@bufbuild/cel';
import { isJsonMap, mapValueSchema } from '../json-values.ts';
import type { JSONSchemaProps } from '../types.ts';
import { celViewOf } from './declared-schema.ts';
import { escapePropertyName } from './escape.ts';

// NOTE: lists typed x-kubernetes-list-type set or map compare order-sensitively here, while
// kube-apiserver compares them as sets. Strings with format date-time, duration or byte stay
// strings, where kube-apiserver makes them timestamps, durations and bytes.

/** Converts values once per validation: the same object under the same schema is reused. */
export class CelConverter {
  private readonly cache = new WeakMap<object, Map<JSONSchemaProps | null, CelInput>>();

  /** Converts a value typed by a schema node; null means the value has no schema. */
  convert(value: unknown, node: JSONSchemaProps | null): CelInput {
    if (typeof value !== 'object' || value === null) return convertScalar(value, node);

    let byNode = this.cache.get(value);
    if (byNode === undefined) {
      byNode = new Map();
      this.cache.set(value, byNode);
    }
    const cached = byNode.get(node);
    if (cached !== undefined) return cached;

    const converted = Array.isArray(value)
      ? value.map((item) => this.convert(item, node === null ? null : (node.items ?? null)))
      : this.convertMap(value as Record<string, unknown>, node);
    byNode.set(node, converted);
    return converted;
  }

  private convertMap(map: Record<string, unknown>, node: JSONSchemaProps | null): CelInput {
    const result = new Map<string, CelInput>();
    if (node === null) {
      for (const [key, value] of Object.entries(map)) result.set(key, this.convert(value, null));
      return result;
    }

    const view = node['x-kubernetes-embedded-resource'] === true ? celViewOf(node, true) : node;
    const properties = view.properties ?? {};
    const valueSchema = mapValueSchema(view);
    const preserveUnknown = view['x-kubernetes-preserve-unknown-fields'] === true;
    for (const [key, value] of Object.entries(map)) {
      const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (property !== undefined) {
        const name = escapePropertyName(key);
        if (name !== undefined) result.set(name, this.convert(value, property));
      } else if (valueSchema !== undefined) {
        result.set(key, this.convert(value, valueSchema));
      } else if (preserveUnknown) {
        result.set(key, this.convert(value, null));
      }
    }
    return result;
  }
}

/** Integral JSON numbers decode to int64 in kube-apiserver, others to float64. */
function dynamicNumber(value: number): CelInput {
  return Number.isInteger(value) ? BigInt(value) : value;
}

function convertScalar(value: unknown, node: JSONSchemaProps | null): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value !== 'number') return null;

  if (node === null || node['x-kubernetes-int-or-string'] === true) return dynamicNumber(value);
  if (node.type === 'number') return value;
  return dynamicNumber(value);
}
