import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../src/channels/message.ts';
import { eventNotification } from '../notification.ts';

function scale(data: Record<string, unknown>) {
  return composeMessage(eventNotification('email', 'app_scaled', data));
}

describe('scaleLayout', () => {
  it('shows the old and new formation per container type', () => {
    const message = scale({ from: { web: 2, worker: 1 }, to: { web: 4, worker: 1, clock: 1 } });

    expect(message.headline).toBe('App scaled');
    expect(message.summary).toEqual(['Scaled web from 2 to 4, clock from 0 to 1.']);
    expect(message.details).toEqual([
      { label: 'web', value: '2 → 4' },
      { label: 'worker', value: '1 → 1' },
      { label: 'clock', value: '0 → 1' },
    ]);
  });

  it('counts a type that stopped as 0', () => {
    const message = scale({ from: { web: 2, worker: 3 }, to: { web: 2 } });

    expect(message.summary).toEqual(['Scaled worker from 3 to 0.']);
    expect(message.details).toContainEqual({ label: 'worker', value: '3 → 0' });
  });

  it('says when nothing changed', () => {
    const message = scale({ from: { web: 2 }, to: { web: 2 } });

    expect(message.summary).toEqual(['Formation unchanged: web: 2.']);
  });

  it('shows the new formation alone', () => {
    const message = scale({ to: { web: 4, worker: 1 } });

    expect(message.summary).toEqual(['Formation is now web: 4, worker: 1.']);
    expect(message.details).toEqual([
      { label: 'web', value: '4' },
      { label: 'worker', value: '1' },
    ]);
  });

  it('shows the old formation alone as a field', () => {
    const message = scale({ from: { web: 2 } });

    expect(message.summary).toEqual(['An app was scaled']);
    expect(message.details).toEqual([{ label: 'Before', value: 'web: 2' }]);
  });

  it('lists a malformed formation as it is', () => {
    const message = scale({ from: { web: 'two' }, to: { web: 4 } });

    expect(message.summary).toEqual(['Formation is now web: 4.']);
    expect(message.details).toEqual([
      { label: 'web', value: '4' },
      { label: 'Before', value: '{"web":"two"}' },
    ]);
  });
});
