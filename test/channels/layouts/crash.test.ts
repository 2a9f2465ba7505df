import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../src/channels/message.ts';
import { eventNotification } from '../notification.ts';

describe('crashLayout', () => {
  it.each(['app_crashed', 'app_crashed_repeated'] as const)(
    'shows the container, exit code, reason and count of %s',
    (type) => {
      const message = composeMessage(
        eventNotification('email', type, {
          container: 'web-1',
          exitCode: 137,
          reason: 'OOMKilled',
          crashCount: 5,
        }),
      );

      expect(message.summary).toEqual([
        'Container web-1 exited with code 137 (OOMKilled).',
        '5th crash in a row.',
      ]);
      expect(message.details).toEqual([
        { label: 'Container', value: 'web-1' },
        { label: 'Exit code', value: '137' },
        { label: 'Reason', value: 'OOMKilled' },
        { label: 'Crashes in a row', value: '5' },
      ]);
    },
  );

  it('leaves out the count when the operator has not filled it', () => {
    const message = composeMessage(
      eventNotification('email', 'app_crashed_repeated', {
        container: 'worker-2',
        reason: 'Error',
      }),
    );

    expect(message.summary).toEqual(['Container worker-2 crashed (Error).']);
    expect(message.details.map((field) => field.label)).toEqual(['Container', 'Reason']);
  });

  it('falls back to the description', () => {
    const message = composeMessage(eventNotification('email', 'app_crashed', { crashCount: 2 }));

    expect(message.summary).toEqual([
      'An app crashed; sent only on the 2nd, 5th and 12th crash in a row',
      '2nd crash in a row.',
    ]);
  });

  it('lists an exit code that is not an integer as it is', () => {
    const message = composeMessage(
      eventNotification('email', 'app_crashed', { exitCode: 'killed' }),
    );

    expect(message.details).toEqual([{ label: 'Exit code', value: 'killed' }]);
  });
});
