/** Label and field selectors of list and watch requests, with kube-apiserver's errors. */
import { badRequest } from './errors.ts';
import { isJsonObject, metaString, stringMap, type JsonObject } from './object.ts';
import type { ResourceType } from './registry.ts';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type FieldRequirement,
  type LabelRequirement,
} from './selectors.ts';

/** The objects a list or watch selects: namespace plus selectors. */
export interface ObjectFilter {
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  /** Whether any selector was given (kube omits remainingItemCount then). */
  selective: boolean;
}

/** Parses `labelSelector` and `fieldSelector`, failing with 400 on malformed ones. */
export function parseFilter(
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): ObjectFilter {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  try {
    return {
      namespace,
      labels: parseLabelSelector(labelText),
      fields: parseFieldSelector(fieldText, type.fieldSelectors),
      selective: labelText.trim() !== '' || fieldText.trim() !== '',
    };
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

/** Tells whether an object is selected. */
export function matchesFilter(
  type: ResourceType,
  filter: ObjectFilter,
  object: JsonObject,
): boolean {
  if (filter.namespace !== undefined && metaString(object, 'namespace') !== filter.namespace) {
    return false;
  }
  const labels = isJsonObject(object.metadata) ? stringMap(object.metadata.labels) : {};
  if (!matchesLabels(filter.labels, labels)) return false;
  return filter.fields.length === 0 || matchesFields(filter.fields, type.selectableFields(object));
}
