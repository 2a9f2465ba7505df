import { describe, expect, it } from 'vitest';
import {
  conflictCauses,
  formatConflicts,
  type ApplyConflict,
} from '../../../src/local-api/patch/index.ts';

const apiVersion = 'herald.dev/v1alpha1';

describe('formatConflicts', () => {
  // Wording of kube-apiserver's apply conflict error (apimachinery managedfields conflict.go).
  it.each<[string, ApplyConflict[], string]>([
    [
      'one conflict with an updater',
      [{ manager: 'kubectl-client-side-apply', field: '.spec.app' }],
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using herald.dev/v1alpha1: .spec.app',
    ],
    [
      'one conflict with an applier',
      [{ manager: 'argocd', field: '.spec.app', operation: 'Apply', apiVersion }],
      'Apply failed with 1 conflict: conflict with "argocd": .spec.app',
    ],
    [
      'the owner API version',
      [
        {
          manager: 'ctl',
          field: '.spec.app',
          operation: 'Update',
          apiVersion: 'herald.dev/v1beta1',
        },
      ],
      'Apply failed with 1 conflict: conflict with "ctl" using herald.dev/v1beta1: .spec.app',
    ],
    [
      'a subresource owner',
      [{ manager: 'ctl', field: '.status.phase', operation: 'Update', subresource: 'status' }],
      'Apply failed with 1 conflict: conflict with "ctl" with subresource "status" using herald.dev/v1alpha1: .status.phase',
    ],
    [
      'several conflicts grouped by sorted manager',
      [
        { manager: 'zeta', field: '.spec.c' },
        { manager: 'alpha', field: '.spec.a' },
        { manager: 'beta', field: '.spec.x', operation: 'Apply' },
        { manager: 'alpha', field: '.spec.b' },
      ],
      'Apply failed with 4 conflicts: conflicts with "alpha" using herald.dev/v1alpha1:\n' +
        '- .spec.a\n' +
        '- .spec.b\n' +
        'conflicts with "beta":\n' +
        '- .spec.x\n' +
        'conflicts with "zeta" using herald.dev/v1alpha1:\n' +
        '- .spec.c',
    ],
    [
      'a manager name that needs quoting',
      [{ manager: 'say "hi"', field: '.spec.app', operation: 'Apply' }],
      'Apply failed with 1 conflict: conflict with "say \\"hi\\"": .spec.app',
    ],
  ])('formats %s', (_name, conflicts, expected) => {
    expect(formatConflicts(conflicts, apiVersion)).toBe(expected);
  });
});

describe('conflictCauses', () => {
  it('lists one FieldManagerConflict cause per field', () => {
    const conflicts: ApplyConflict[] = [
      { manager: 'ctl', field: '.spec.app', operation: 'Update', apiVersion },
      { manager: 'argocd', field: '.spec.replicas', operation: 'Apply', apiVersion },
    ];

    expect(conflictCauses(conflicts, apiVersion)).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "ctl" using herald.dev/v1alpha1',
        field: '.spec.app',
      },
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "argocd"',
        field: '.spec.replicas',
      },
    ]);
  });
});
