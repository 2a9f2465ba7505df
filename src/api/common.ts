import { z } from 'zod';
import { eventTypeNames } from './event-types.ts';
import { platforms } from './platforms.ts';

/** RFC 1123 label, the rule Kubernetes applies to namespace names. */
const dnsLabelPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 subdomain, the rule Kubernetes applies to most object names. */
const dnsSubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Characters Kubernetes allows in a Secret data key. */
const secretKeyPattern = /^[-._a-zA-Z0-9]+$/;

/** metav1.Condition type: an optional DNS subdomain prefix and a name, such as `Ready`. */
const conditionTypePattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;

/** metav1.Condition reason: CamelCase, as kube-apiserver validates it. */
const conditionReasonPattern = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/** Schema of an app name. The namespace and the app name together identify one app. */
export const appNameSchema = z.string().max(63).regex(dnsLabelPattern, {
  error:
    'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
});

/** Name of a namespaced Kubernetes object, such as a Secret or a Notifier. */
export const objectNameSchema = z.string().max(253).regex(dnsSubdomainPattern, {
  error:
    'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters',
});

/** An RFC 3339 timestamp. Offsets other than `Z` are accepted, as kube-apiserver accepts them. */
export const dateTimeSchema = z.iso.datetime({
  offset: true,
  error: 'must be an RFC 3339 date-time, such as 2026-01-01T12:00:00Z',
});

/** A `metadata.generation` value. */
export const generationSchema = z.int().nonnegative();

/** One of the delivery platforms. */
export const platformSchema = z.enum(platforms);

/**
 * Builds the schema of an event type of the catalogue. The error message points to `kubectl explain
 * appevent.spec.type`, whose description lists every type.
 */
export function eventTypeSchema() {
  return z.enum(eventTypeNames, { error: (issue) => eventTypeMessage(issue.input) });
}

/** Returns undefined for a missing value, which leaves the message to the parse-level map. */
function eventTypeMessage(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'string') {
    return 'must be a string naming an event type, as listed by kubectl explain appevent.spec.type';
  }
  return `unknown event type ${JSON.stringify(input)}; use one of the types listed by kubectl explain appevent.spec.type`;
}

/** A key of a Secret in the namespace of the referring object. */
export const secretKeySelectorSchema = z.object({
  name: objectNameSchema.describe('Name of the Secret, in the same namespace as this object.'),
  key: z
    .string()
    .min(1)
    .max(253)
    .regex(secretKeyPattern, {
      error: 'must be a Secret data key: letters, digits, "-", "_" and "." only',
    })
    .describe('Key in the Secret data whose value is used.'),
});

/** The standard metav1.Condition, with the bounds kube-apiserver enforces. */
export const conditionSchema = z.object({
  type: z
    .string()
    .min(1)
    .max(316)
    .regex(conditionTypePattern, { error: 'must be a CamelCase name, such as Ready' })
    .describe('Type of the condition in CamelCase, such as Ready.'),
  status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition.'),
  observedGeneration: generationSchema
    .optional()
    .describe('metadata.generation of the object when the condition was set.'),
  lastTransitionTime: dateTimeSchema.describe('Last time the status changed.'),
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(conditionReasonPattern, { error: 'must be a CamelCase word, such as SecretNotFound' })
    .describe('Machine-readable reason for the last transition, in CamelCase.'),
  message: z.string().max(32768).describe('Human-readable details of the last transition.'),
});

/**
 * The metadata fields Herald reads. Other fields are kept as they are. `creationTimestamp` is the
 * RFC 3339 string of the wire, although @kubernetes/client-node's V1ObjectMeta types it as a Date.
 */
export const objectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1),
  uid: z.string().min(1),
  generation: generationSchema,
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** Object metadata as parsed by `objectMetaSchema`. */
export type ObjectMeta = z.output<typeof objectMetaSchema>;

/** A metav1.Condition. */
export type Condition = z.output<typeof conditionSchema>;

/** A reference to one key of a Secret. */
export type SecretKeySelector = z.output<typeof secretKeySelectorSchema>;
