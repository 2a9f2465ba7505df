import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../src/channels/message.ts';
import { eventNotification } from '../notification.ts';

describe('genericLayout', () => {
  it('shows the display name, the description and the details as a list', () => {
    const message = composeMessage(
      eventNotification('email', 'app_restarted', { reason: 'config change', containers: 3 }),
    );

    expect(message.headline).toBe('App restarted');
    expect(message.summary).toEqual(['An app was restarted']);
    expect(message.details).toEqual([
      { label: 'reason', value: 'config change' },
      { label: 'containers', value: '3' },
    ]);
  });

  it('labels the documented fields of a type without a layout', () => {
    const message = composeMessage(
      eventNotification('email', 'database_backup_failed', {
        note: 'retrying tonight',
        error: 'disk full on backup volume',
        addon: 'postgresql',
      }),
    );

    expect(message.headline).toBe('Database backup failed');
    expect(message.summary).toEqual(['A database backup has failed']);
    expect(message.details).toEqual([
      { label: 'Addon', value: 'postgresql' },
      { label: 'Error', value: 'disk full on backup volume' },
      { label: 'note', value: 'retrying tonight' },
    ]);
  });

  it('renders an unknown event type', () => {
    const notification = eventNotification('email', 'app_restarted', { a: 1 });
    notification.event.type = 'app_exploded';
    notification.event.displayName = 'App exploded';
    notification.event.description = 'Boom';

    const message = composeMessage(notification);

    expect(message.headline).toBe('App exploded');
    expect(message.summary).toEqual(['Boom']);
    expect(message.details).toEqual([{ label: 'a', value: '1' }]);
  });
});
