/** API group of every Herald resource. */
export const group = 'herald.dev';

/** The only served and stored version. */
export const version = 'v1alpha1';

/** The `apiVersion` field value of Herald objects. */
export const apiVersion = `${group}/${version}`;

/** Category that `kubectl get herald` lists. */
export const category = 'herald';

/** Names of one kind, in the shape of a CustomResourceDefinition's `spec.names`. */
export interface ResourceNames {
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
}

/** Names of the Notifier kind. */
export const notifierNames = {
  kind: 'Notifier',
  listKind: 'NotifierList',
  plural: 'notifiers',
  singular: 'notifier',
  shortNames: ['nf'],
  categories: [category],
} as const satisfies ResourceNames;

/** Names of the AppEvent kind. */
export const appEventNames = {
  kind: 'AppEvent',
  listKind: 'AppEventList',
  plural: 'appevents',
  singular: 'appevent',
  shortNames: ['aev'],
  categories: [category],
} as const satisfies ResourceNames;

/** Names of the App kind. */
export const appNames = {
  kind: 'App',
  listKind: 'AppList',
  plural: 'apps',
  singular: 'app',
  shortNames: [],
  categories: [category],
} as const satisfies ResourceNames;
