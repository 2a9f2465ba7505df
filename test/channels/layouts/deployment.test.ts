import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../src/channels/message.ts';
import { eventNotification } from '../notification.ts';

function deployment(data: Record<string, unknown>, actor?: string) {
  return composeMessage(
    eventNotification('slack', 'app_deployed', data, actor === undefined ? {} : { actor }),
  );
}

describe('deploymentLayout', () => {
  it('shows the git ref, the deployer and the duration', () => {
    const message = deployment({
      gitRef: '3f2c1a9d0e6b4c2a8f1e3d5c7b9a0f2e4d6c8b1a',
      deployer: 'bob',
      duration: 95,
      image: 'registry.example.com/shop-api:1.4.0',
    });

    expect(message.headline).toBe('App deployed');
    expect(message.summary).toEqual(['Deployed 3f2c1a9 by bob in 1 min 35 s.']);
    expect(message.details).toEqual([
      { label: 'Git ref', value: '3f2c1a9d0e6b4c2a8f1e3d5c7b9a0f2e4d6c8b1a' },
      { label: 'Deployer', value: 'bob' },
      { label: 'Duration', value: '1 min 35 s' },
      { label: 'Image', value: 'registry.example.com/shop-api:1.4.0' },
    ]);
  });

  it('names the actor when the deployer is absent', () => {
    const message = deployment({ gitRef: 'v1.4.0', duration: '2m30s' }, 'ci-pipeline');

    expect(message.summary).toEqual(['Deployed v1.4.0 by ci-pipeline in 2 min 30 s.']);
    expect(message.details.map((field) => field.label)).toEqual(['Git ref', 'Duration']);
    expect(message.context).toContainEqual({ label: 'Actor', value: 'ci-pipeline' });
  });

  it('falls back to the description without details or actor', () => {
    const notification = eventNotification('slack', 'app_deployed', { image: 'shop:1' });
    delete notification.event.actor;

    const message = composeMessage(notification);

    expect(message.summary).toEqual(['An app was deployed']);
    expect(message.details).toEqual([{ label: 'Image', value: 'shop:1' }]);
  });

  it('lists an unusable duration and other keys after the layout fields', () => {
    const message = deployment({ duration: 'a while', gitRef: 'main', release: 42 });

    expect(message.summary).toEqual(['Deployed main by alice.']);
    expect(message.details).toEqual([
      { label: 'Git ref', value: 'main' },
      { label: 'Duration', value: 'a while' },
      { label: 'release', value: '42' },
    ]);
  });

  it('keeps a multi-line git ref to one line in the summary', () => {
    const message = deployment({ gitRef: 'main\nBcc: x', deployer: 'bob\r\nx' });

    expect(message.summary).toEqual(['Deployed main Bcc: x by bob x.']);
  });
});
