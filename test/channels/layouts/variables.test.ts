import { describe, expect, it } from 'vitest';
import { composeMessage, hiddenValue } from '../../../src/channels/message.ts';
import { eventNotification } from '../notification.ts';

const secret = 'postgres://shop:s3cr3t-pa55@db.internal:5432/shop';

describe('variablesLayout', () => {
  it.each([
    ['variable_added', 'Variable DATABASE_URL was added.'],
    ['variable_edited', 'Variable DATABASE_URL was edited.'],
    ['variable_removed', 'Variable DATABASE_URL was removed.'],
  ] as const)('names the variable of %s', (type, summary) => {
    const message = composeMessage(
      eventNotification('slack', type, { variables: ['DATABASE_URL'] }),
    );

    expect(message.summary).toEqual([summary]);
    expect(message.details).toEqual([{ label: 'Variable', value: 'DATABASE_URL' }]);
  });

  it('counts and lists several variables', () => {
    const message = composeMessage(
      eventNotification('slack', 'variable_bulk_edited', { variables: ['A', 'B', 'C'] }),
    );

    expect(message.headline).toBe('Variables bulk edited');
    expect(message.summary).toEqual(['3 variables were edited: A, B, C.']);
    expect(message.details).toEqual([{ label: 'Variables', value: 'A, B, C' }]);
  });

  it.each([
    ['a values map', { values: { DATABASE_URL: secret } }],
    ['a variables map', { variables: { DATABASE_URL: secret } }],
    ['both', { variables: ['DATABASE_URL'], values: { DATABASE_URL: secret } }],
  ])('shows names only when the emitter sends %s', (_case, data) => {
    const message = composeMessage(eventNotification('slack', 'variable_edited', data));

    expect(message.summary).toEqual(['Variable DATABASE_URL was edited.']);
    expect(JSON.stringify(message)).not.toContain('s3cr3t');
  });

  it('hides the values of undocumented keys', () => {
    const message = composeMessage(
      eventNotification('slack', 'variable_added', { DATABASE_URL: secret, note: 'rotated' }),
    );

    expect(message.summary).toEqual(['A variable was added']);
    expect(message.details).toEqual([
      { label: 'DATABASE_URL', value: hiddenValue },
      { label: 'note', value: hiddenValue },
    ]);
    expect(JSON.stringify(message)).not.toContain('s3cr3t');
  });

  it('hides a values field it cannot read as names', () => {
    const message = composeMessage(
      eventNotification('slack', 'variable_edited', { variables: ['A'], values: 's3cr3t' }),
    );

    expect(message.details).toEqual([
      { label: 'Variable', value: 'A' },
      { label: 'Values', value: hiddenValue },
    ]);
    expect(JSON.stringify(message)).not.toContain('s3cr3t');
  });
});
