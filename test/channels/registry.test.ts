import { describe, expect, it } from 'vitest';
import { platforms } from '../../src/api/platforms.ts';
import { channels } from '../../src/channels/registry.ts';

describe('channels', () => {
  it.each(platforms)('has a channel for %s', (platform) => {
    expect(channels.get(platform)?.platform).toBe(platform);
  });

  it('has no channel without a platform', () => {
    expect([...channels.keys()].sort()).toEqual([...platforms].sort());
  });
});
