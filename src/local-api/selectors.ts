/**
 * Label and field selectors of list and watch requests, parsed and validated as kube-apiserver
 * 1.32 does (apimachinery `labels.Parse` and `fields.ParseSelector`), with the same error text.
 */
export {
  matchesLabels,
  parseLabelSelector,
  SelectorError,
  type LabelRequirement,
} from './selectors/label-selector.ts';
export {
  matchesFields,
  parseFieldSelector,
  type FieldRequirement,
} from './selectors/field-selector.ts';
export { labelKeyErrors, labelValueErrors } from './selectors/label-validation.ts';
