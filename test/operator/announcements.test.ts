import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type AppEventObject, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

/** Changes the operator reports as AppEvents, counted by type and subject. */
describe('operator-recorded changes', () => {
  let cluster: TestCluster;
  let operator: TestOperator | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('shop');
  });

  afterAll(async () => {
    await operator?.stop();
    await cluster?.close();
  });

  async function recorded(): Promise<AppEventObject[]> {
    const list = (await cluster.custom.listNamespacedCustomObject({
      group: 'herald.dev',
      version: 'v1alpha1',
      plural: 'appevents',
      namespace: 'shop',
      labelSelector: 'herald.dev/emitted-by',
    })) as { items: AppEventObject[] };
    return list.items;
  }

  /** "type subject" for each recorded change, sorted. */
  async function changes(): Promise<string[]> {
    return (await recorded())
      .map((event) => {
        const data = event.spec.data as { notifier?: string; collaborator?: string };
        return `${event.spec.type} ${data.notifier ?? data.collaborator}`;
      })
      .sort();
  }

  /** Waits until the recorded changes are exactly `expected`. */
  async function expectChanges(expected: string[]): Promise<void> {
    const sorted = [...expected].sort();
    await waitFor(`recorded changes ${sorted.join(', ')}`, async () => {
      const current = await changes();
      return JSON.stringify(current) === JSON.stringify(sorted) ? true : undefined;
    });
    expect(await changes()).toEqual(sorted);
  }

  const emailSpec = { app: 'api', platform: 'email' as const, email: { to: ['ops@example.com'] } };

  it('records notifiers added, edited and removed once', async () => {
    operator = await startTestOperator(cluster);
    await cluster.createNotifier('shop', 'first', emailSpec);
    await expectChanges(['notifier_added first']);

    await cluster.patchNotifier('shop', 'first', { active: false });
    await expectChanges(['notifier_added first', 'notifier_edited first']);

    await cluster.deleteNotifier('shop', 'first');
    await expectChanges([
      'notifier_added first',
      'notifier_edited first',
      'notifier_removed first',
    ]);
  });

  it('records changes made while the operator was down, once', async () => {
    await cluster.createNotifier('shop', 'kept', emailSpec);
    await cluster.createNotifier('shop', 'gone', emailSpec);
    const before = ['notifier_added first', 'notifier_edited first', 'notifier_removed first'];
    await expectChanges([...before, 'notifier_added kept', 'notifier_added gone']);
    await operator?.stop();

    await cluster.patchNotifier('shop', 'kept', { active: false });
    await cluster.deleteNotifier('shop', 'gone');
    await cluster.createNotifier('shop', 'late', emailSpec);
    operator = await startTestOperator(cluster);

    const after = [
      ...before,
      'notifier_added kept',
      'notifier_added gone',
      'notifier_edited kept',
      'notifier_removed gone',
      'notifier_added late',
    ];
    await expectChanges(after);

    await operator.stop();
    operator = await startTestOperator(cluster);
    await cluster.createNotifier('shop', 'marker', emailSpec);
    await expectChanges([...after, 'notifier_added marker']);
  });

  it('records collaborator changes once, across a restart', async () => {
    const owner = { email: 'olivia@example.com' };
    const notifierChanges = await changes();
    await cluster.createApp('shop', 'team', {
      owner,
      defaultNotifier: false,
      collaborators: [{ email: 'carol@example.com', role: 'collaborator', accepted: false }],
    });
    await expectChanges([...notifierChanges, 'collaborator_invited carol@example.com']);

    await cluster.replaceApp('shop', 'team', {
      owner,
      defaultNotifier: false,
      collaborators: [
        { email: 'carol@example.com', role: 'limited_collaborator', accepted: true },
        { email: 'dave@example.com', role: 'collaborator', accepted: false },
      ],
    });
    const afterEdit = [
      ...notifierChanges,
      'collaborator_invited carol@example.com',
      'collaborator_role_changed carol@example.com',
      'collaborator_accepted carol@example.com',
      'collaborator_invited dave@example.com',
    ];
    await expectChanges(afterEdit);

    await operator?.stop();
    await cluster.replaceApp('shop', 'team', {
      owner,
      defaultNotifier: false,
      collaborators: [{ email: 'carol@example.com', role: 'limited_collaborator', accepted: true }],
    });
    operator = await startTestOperator(cluster);

    await expectChanges([...afterEdit, 'collaborator_removed dave@example.com']);
  });
});
