import { describe, expect, it } from 'vitest';
import { composeMessage, messageSubject } from '../../src/channels/message.ts';
import { eventNotification, sampleAppUrl, sampleNotification } from './notification.ts';

describe('composeMessage', () => {
  it('keeps the emitter order and flattens keys to one line', () => {
    const message = composeMessage(
      sampleNotification('slack', { type: 'app_restarted', data: { 'b\nkey': 1, a: 'x' } }),
    );

    expect(message.details).toEqual([
      { label: 'b key', value: '1' },
      { label: 'a', value: 'x' },
    ]);
  });

  it('lists app, namespace, time and actor as context', () => {
    const message = composeMessage(sampleNotification('slack'));

    expect(message.context).toEqual([
      { label: 'App', value: 'shop' },
      { label: 'Namespace', value: 'shop' },
      { label: 'When', value: '2026-03-01 12:00:00 UTC' },
      { label: 'Actor', value: 'alice' },
    ]);
  });

  it('links to the app when the operator gives a dashboard URL', () => {
    const message = composeMessage(sampleNotification('slack', {}, { appUrl: sampleAppUrl }));

    expect(message.link).toEqual({ url: sampleAppUrl, label: 'Open shop in the dashboard' });
  });

  it('has no link without a dashboard URL', () => {
    expect(composeMessage(sampleNotification('slack'))).not.toHaveProperty('link');
  });

  it.each([
    ['javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['mailto:ops@example.com'],
    ['/relative/path'],
    [''],
  ])('has no link for %j', (appUrl) => {
    expect(composeMessage(sampleNotification('slack', {}, { appUrl }))).not.toHaveProperty('link');
  });

  it('normalises the link URL', () => {
    const message = composeMessage(
      sampleNotification('slack', {}, { appUrl: 'HTTPS://Dashboard.example.com/a b/"x"' }),
    );

    expect(message.link?.url).toBe('https://dashboard.example.com/a%20b/%22x%22');
  });

  it('keeps the headline and each summary line to one line', () => {
    const message = composeMessage(
      sampleNotification('slack', {
        type: 'app_restarted',
        displayName: 'Restarted\r\nBcc: x',
        description: 'line one\nline two\u0007',
      }),
    );

    expect(message.headline).toBe('Restarted Bcc: x');
    expect(message.summary).toEqual(['line one line two']);
  });

  it('caps the headline', () => {
    const message = composeMessage(
      sampleNotification('slack', { type: 'app_restarted', displayName: 'h'.repeat(1000) }),
    );

    expect(message.headline).toHaveLength(250);
    expect(message.headline.endsWith('…')).toBe(true);
  });

  it('falls back to the headline for an empty summary', () => {
    const message = composeMessage(
      sampleNotification('slack', { type: 'app_restarted', description: ' \n ' }),
    );

    expect(message.summary).toEqual(['App deployed']);
  });

  it('caps a long value of an undocumented key', () => {
    const message = composeMessage(
      eventNotification('slack', 'app_restarted', { log: 'y'.repeat(10_000) }),
    );

    expect(message.details[0]?.value).toHaveLength(500);
  });
});

describe('messageSubject', () => {
  it('puts the app in brackets before the headline', () => {
    const notification = eventNotification('email', 'app_alert_triggered', {
      state: 'resolved',
      metric: 'memory',
    });

    expect(messageSubject(notification, composeMessage(notification))).toBe(
      '[shop-api] Alert resolved: memory',
    );
  });
});
