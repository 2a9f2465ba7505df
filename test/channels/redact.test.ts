import { describe, expect, it } from 'vitest';
import { redactEventData } from '../../src/channels/redact.ts';

const secret = 'postgres://shop:s3cr3t@db/shop';

describe('redactEventData', () => {
  it('keeps the data of a type without secrets', () => {
    const data = { gitRef: 'main', nested: { token: 'abc' }, list: [1, 2] };

    expect(redactEventData('app_deployed', data)).toEqual(data);
  });

  it.each([
    [
      'a values map',
      { variables: ['DATABASE_URL'], values: { DATABASE_URL: secret } },
      { variables: ['DATABASE_URL'], values: { DATABASE_URL: null } },
    ],
    ['a values string', { values: secret }, { values: null }],
    ['a values list', { values: [secret] }, { values: null }],
    [
      'a variables map',
      { variables: { DATABASE_URL: secret } },
      { variables: { DATABASE_URL: null } },
    ],
    ['an undocumented key', { DATABASE_URL: secret }, { DATABASE_URL: null }],
    ['an undocumented map', { env: { DATABASE_URL: secret } }, { env: { DATABASE_URL: null } }],
  ])('nulls %s of a variable event', (_case, data, redacted) => {
    expect(redactEventData('variable_edited', data)).toEqual(redacted);
  });

  it('leaves the input unchanged', () => {
    const data = { values: { DATABASE_URL: secret } };

    redactEventData('variable_added', data);

    expect(data.values.DATABASE_URL).toBe(secret);
  });
});
