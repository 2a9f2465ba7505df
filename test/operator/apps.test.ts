import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpReceiver } from '../support/receivers.ts';
import { deliveryOf, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;

const owner = { name: 'Olivia Owner', email: 'olivia@example.com' };

describe('apps and the default notifier', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  let smtp: SmtpReceiver;

  beforeAll(async () => {
    cluster = await startTestCluster();
    smtp = await startSmtpReceiver();
    await cluster.createNamespace('shop');
    operator = await startTestOperator(cluster, [
      '--smtp-host',
      '127.0.0.1',
      '--smtp-port',
      String(smtp.port),
    ]);
  });

  afterAll(async () => {
    await operator?.stop();
    await smtp?.close();
    await cluster?.close();
  });

  const readyReason = async (name: string) =>
    (await cluster.getApp('shop', name)).status?.conditions?.find(
      (condition) => condition.type === 'DefaultNotifierReady',
    );

  /** Emails sent to `address`, by subject. */
  const subjectsTo = (address: string) =>
    smtp.messages.filter((mail) => mail.to.includes(address)).map((mail) => mail.subject);

  it('creates a default notifier that emails the owner critical events', async () => {
    const app = await cluster.createApp('shop', 'api', { owner });

    const notifier = await waitFor('the default notifier', () =>
      cluster.getNotifier('shop', 'api-default').catch(() => undefined),
    );
    expect(notifier.spec).toMatchObject({
      app: 'api',
      platform: 'email',
      events: { selection: 'critical' },
      email: { owner: true },
    });
    expect(notifier.metadata?.ownerReferences?.[0]?.uid).toBe(app.metadata?.uid);
    await waitFor('the App status', async () =>
      (await cluster.getApp('shop', 'api')).status?.defaultNotifier === 'api-default'
        ? true
        : undefined,
    );
    expect((await readyReason('api'))?.reason).toBe('Created');

    await cluster.waitForReady('shop', 'api-default', 'True', 'Ready');
    const backup = await cluster.createEvent('shop', {
      app: 'api',
      type: 'database_backup_failed',
    });
    const deployed = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
    expect((await cluster.waitForFinal('shop', backup.metadata!.name!)).status?.phase).toBe(
      'Delivered',
    );
    expect((await cluster.waitForFinal('shop', deployed.metadata!.name!)).status?.phase).toBe(
      'NoMatch',
    );
    expect(subjectsTo(owner.email)).toEqual(['[api] Database backup failed']);
  });

  it('never rewrites user edits and recreates it after deletion', async () => {
    const current = await cluster.getNotifier('shop', 'api-default');
    await cluster.patchNotifier('shop', 'api-default', {
      active: false,
      events: { selection: 'critical', types: ['app_deployed'] },
      email: { owner: true, to: ['oncall@example.com'] },
    });
    await cluster.replaceApp('shop', 'api', { owner: { ...owner, name: 'Olivia O.' } });
    await waitFor('the App change to be processed', async () =>
      (await cluster.getApp('shop', 'api')).status?.observedGeneration === 2 ? true : undefined,
    );
    const edited = await cluster.getNotifier('shop', 'api-default');
    expect(edited.spec.active).toBe(false);
    expect(edited.spec.events?.types).toEqual(['app_deployed']);
    expect(edited.spec.email?.to).toEqual(['oncall@example.com']);
    expect(edited.metadata?.generation).toBe((current.metadata?.generation ?? 0) + 1);

    await cluster.deleteNotifier('shop', 'api-default');
    const recreated = await waitFor('the default notifier to come back', async () => {
      const notifier = await cluster.getNotifier('shop', 'api-default').catch(() => undefined);
      return notifier && notifier.metadata?.uid !== edited.metadata?.uid ? notifier : undefined;
    });
    expect(recreated.spec.active).toBe(true);
  });

  it('reports a Notifier of that name that the App does not own', async () => {
    await cluster.createNotifier('shop', 'web-default', {
      app: 'web',
      platform: 'email',
      email: { to: ['someone@example.com'] },
    });
    await cluster.createApp('shop', 'web', { owner });

    const condition = await waitFor('the NameTaken condition', async () => {
      const found = await readyReason('web');
      return found?.reason === 'NameTaken' ? found : undefined;
    });
    expect(condition.status).toBe('False');
    expect(condition.message).toContain('Notifier "web-default" exists');
    expect((await cluster.getNotifier('shop', 'web-default')).spec.email?.to).toEqual([
      'someone@example.com',
    ]);
  });

  it('creates none for an App that opts out', async () => {
    await cluster.createApp('shop', 'quiet', { owner, defaultNotifier: false });

    const condition = await waitFor('the OptedOut condition', async () => {
      const found = await readyReason('quiet');
      return found?.reason === 'OptedOut' ? found : undefined;
    });
    expect(condition.status).toBe('True');
    await expect(cluster.getNotifier('shop', 'quiet-default')).rejects.toThrow(/404/);
  });

  it('sends to collaborators added after the notifier', async () => {
    await cluster.createApp('shop', 'team', { owner, defaultNotifier: false });
    await cluster.createNotifier('shop', 'team-mail', {
      app: 'team',
      platform: 'email',
      events: { selection: 'custom', types: ['domain_added'] },
      email: {
        collaborators: true,
        collaboratorRoles: ['collaborator'],
        to: ['Carol@example.com'],
      },
    });
    const first = await cluster.createEvent('shop', { app: 'team', type: 'domain_added' });
    await cluster.waitForFinal('shop', first.metadata!.name!);

    await cluster.replaceApp('shop', 'team', {
      owner,
      defaultNotifier: false,
      collaborators: [
        { email: 'carol@example.com', role: 'collaborator', accepted: true },
        { email: 'dave@example.com', role: 'collaborator', accepted: true },
        { email: 'erin@example.com', role: 'collaborator', accepted: false },
        { email: 'frank@example.com', role: 'limited_collaborator', accepted: true },
      ],
    });
    await waitFor('the App change to be processed', async () =>
      (await cluster.getApp('shop', 'team')).status?.observedGeneration === 2 ? true : undefined,
    );
    const second = await cluster.createEvent('shop', { app: 'team', type: 'domain_added' });
    expect((await cluster.waitForFinal('shop', second.metadata!.name!)).status?.phase).toBe(
      'Delivered',
    );

    const mails = smtp.messages.filter((mail) => mail.subject === '[team] Domain added');
    expect(mails).toHaveLength(2);
    expect(mails[0]?.to).toEqual(['Carol@example.com']);
    expect(mails[1]?.to.sort()).toEqual(['Carol@example.com', 'dave@example.com']);
  });

  it('reports an email notifier with no recipient', async () => {
    await cluster.createApp('shop', 'lonely', { owner, defaultNotifier: false });
    await cluster.createNotifier('shop', 'lonely-mail', {
      app: 'lonely',
      platform: 'email',
      email: { collaborators: true },
    });

    const notifier = await cluster.waitForReady('shop', 'lonely-mail', 'False', 'NoRecipients');
    const condition = notifier.status?.conditions?.find((each) => each.type === 'Ready');
    expect(condition?.message).toContain('no accepted collaborator');
    const event = await cluster.createEvent('shop', { app: 'lonely', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    expect(deliveryOf(final, 'lonely-mail')?.state).toBe('Failed');
    expect(deliveryOf(final, 'lonely-mail')?.lastError).toContain('no accepted collaborator');
  });

  it('rejects collaborators differing only in case', async () => {
    await cluster.createApp('shop', 'cased', {
      owner,
      defaultNotifier: false,
      collaborators: [
        { email: 'bob@example.com', role: 'collaborator', accepted: true },
        { email: 'Bob@Example.com', role: 'limited_collaborator', accepted: true },
      ],
    });

    const condition = await waitFor('the InvalidSpec condition', async () => {
      const found = await readyReason('cased');
      return found?.reason === 'InvalidSpec' ? found : undefined;
    });
    expect(condition.status).toBe('False');
    expect(condition.message).toContain('spec.collaborators[1].email');
    expect(condition.message).toContain(
      '"Bob@Example.com" is the same address as "bob@example.com"',
    );
    expect((await cluster.getApp('shop', 'cased')).status?.announcedCollaborators).toBeUndefined();
  });

  it('routes events of an app without an App resource', async () => {
    await cluster.createNotifier('shop', 'orphan-mail', {
      app: 'orphan',
      platform: 'email',
      email: { to: ['ops@example.com'] },
    });
    await cluster.waitForReady('shop', 'orphan-mail', 'True');

    const event = await cluster.createEvent('shop', { app: 'orphan', type: 'app_deployed' });

    expect((await cluster.waitForFinal('shop', event.metadata!.name!)).status?.phase).toBe(
      'Delivered',
    );
  });
});
