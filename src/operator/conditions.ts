/** A status condition in the shape of metav1.Condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** The fields of a condition that a controller decides; the time is filled in by `setCondition`. */
export type ConditionValue = Omit<Condition, 'lastTransitionTime'>;

/**
 * Returns `conditions` with `value` set. The transition time changes only when the condition's
 * status changes, as the Kubernetes API conventions ask; the input array is not modified.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  value: ConditionValue,
  now: Date,
): Condition[] {
  const existing = conditions?.find((condition) => condition.type === value.type);
  const lastTransitionTime =
    existing && existing.status === value.status
      ? existing.lastTransitionTime
      : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const updated: Condition = { ...value, lastTransitionTime };
  const others = (conditions ?? []).filter((condition) => condition.type !== value.type);
  return [...others, updated];
}

/** Returns whether a condition already has `value`, so that no write is needed. */
export function conditionMatches(
  conditions: readonly Condition[] | undefined,
  value: ConditionValue,
): boolean {
  const existing = conditions?.find((condition) => condition.type === value.type);
  return (
    existing !== undefined &&
    existing.status === value.status &&
    existing.reason === value.reason &&
    existing.message === value.message &&
    existing.observedGeneration === value.observedGeneration
  );
}
