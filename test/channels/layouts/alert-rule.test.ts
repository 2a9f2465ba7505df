import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../src/channels/message.ts';
import { eventNotification } from '../notification.ts';

describe('alertRuleLayout', () => {
  it.each([
    ['alert_added', 'Alert added', 'An alert has been configured'],
    ['alert_deleted', 'Alert deleted', 'An alert has been deleted'],
  ] as const)('describes the rule of %s', (type, headline, description) => {
    const message = composeMessage(
      eventNotification('email', type, {
        alert: 'shop-memory',
        metric: 'memory',
        limit: 0.8,
        unit: 'fraction of the memory limit',
        direction: 'above',
        containerType: 'web',
        for: '5m',
        notifiers: 'team-chat, oncall',
      }),
    );

    expect(message.headline).toBe(headline);
    expect(message.summary).toEqual([
      description,
      'Rule: memory on web above 80% of the memory limit for 5 min.',
    ]);
    expect(message.details).toEqual([
      { label: 'Alert', value: 'shop-memory' },
      { label: 'Metric', value: 'memory' },
      { label: 'Limit', value: 'above 80% of the memory limit' },
      { label: 'Container type', value: 'web' },
      { label: 'For', value: '5 min' },
      { label: 'Notifiers', value: 'team-chat, oncall' },
    ]);
  });

  it('shows the description alone without a rule', () => {
    const message = composeMessage(eventNotification('email', 'alert_added', { alert: 'x' }));

    expect(message.summary).toEqual(['An alert has been configured']);
  });
});
