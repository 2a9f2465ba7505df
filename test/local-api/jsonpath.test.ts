import { describe, expect, it } from 'vitest';
import { checkJsonPath, evaluateJsonPath, JsonPathError } from '../../src/local-api/jsonpath.ts';

const notifier = {
  apiVersion: 'herald.dev/v1alpha1',
  kind: 'Notifier',
  metadata: {
    name: 'web',
    labels: { 'app.kubernetes.io/name': 'herald', tier: 'web' },
  },
  spec: {
    app: 'shop',
    channels: [
      { name: 'ops', type: 'slack', priority: 1 },
      { name: 'dev', type: 'email', priority: 5 },
      { name: 'pager', type: 'webhook', priority: 9 },
    ],
  },
  status: {
    observedGeneration: 3,
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Delivered' },
      { type: 'Degraded', status: 'False' },
      { type: 'Stalled', status: 'False', message: 'a ) inside' },
    ],
  },
};

describe('evaluateJsonPath', () => {
  it.each<[string, unknown[]]>([
    ['.spec.app', ['shop']],
    ['{.spec.app}', ['shop']],
    [' {.spec.app} ', ['shop']],
    ['$.spec.app', ['shop']],
    ['.status.observedGeneration', [3]],
    ['.spec.channels[0].name', ['ops']],
    ['.spec.channels[-1].name', ['pager']],
    ['.spec.channels[*].name', ['ops', 'dev', 'pager']],
    ['.spec.channels.*.type', ['slack', 'email', 'webhook']],
    ['.spec.channels[0:2].name', ['ops', 'dev']],
    ['.spec.channels[1:].name', ['dev', 'pager']],
    ['.spec.channels[::2].name', ['ops', 'pager']],
    ['.spec.channels[0,2].name', ['ops', 'pager']],
    ["['spec']['app']", ['shop']],
    ['.metadata.labels.app\\.kubernetes\\.io/name', ['herald']],
    [".metadata.labels['app.kubernetes.io/name']", ['herald']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    [".status.conditions[?(@.type=='Degraded')].status", ['False']],
    ['.status.conditions[?(@.type == "Ready")].reason', ['Delivered']],
    ['.status.conditions[?(@.type!="Ready")].type', ['Degraded', 'Stalled']],
    ['.status.conditions[?(@.message)].type', ['Stalled']],
    ['.status.conditions[?(@.message=="a ) inside")].type', ['Stalled']],
    ['.spec.channels[?(@.priority>4)].name', ['dev', 'pager']],
    ['.spec.channels[?(@.priority<=5)].name', ['ops', 'dev']],
    ['.spec.channels[?(@.priority>=9)].name', ['pager']],
    ['.spec.channels[?(@.priority<2)].name', ['ops']],
    ['.spec.channels[?(@.priority=="1")].name', []],
    ['..name', ['web', 'ops', 'dev', 'pager']],
    ['.spec.missing', []],
    ['.spec.app.length', []],
    ['.spec.channels[7].name', []],
    ['.status.conditions[?(@.type=="Missing")].status', []],
    ['.spec.constructor', []],
  ])('evaluates %s', (expression, expected) => {
    expect(evaluateJsonPath(notifier, expression)).toEqual(expected);
  });

  it('returns the whole object for "."', () => {
    expect(evaluateJsonPath(notifier, '.')).toEqual([notifier]);
  });

  it.each([
    ['.spec.channels[0', 'unterminated array'],
    ['.a[x]', 'invalid array index x'],
    ['.a[?(@.x=="y")', 'unclosed array expect ]'],
    ['.a[?(@.x=="y"', 'unterminated filter'],
    ['.a[?(@.x<>"y")]', 'unrecognized filter operator <>'],
    ['.a ^b', "unrecognized character in action: U+005E '^'"],
    ['{.a', 'unclosed action'],
    ['.a....b', 'invalid multiple recursive descent'],
    ['.a[::0]', 'step must be > 0 in array index ::0'],
  ])('rejects %s', (expression, message) => {
    expect(() => evaluateJsonPath(notifier, expression)).toThrow(JsonPathError);
    expect(() => evaluateJsonPath(notifier, expression)).toThrow(message);
  });
});

describe('checkJsonPath', () => {
  it.each([
    ['.spec.app', undefined],
    ['.status.conditions[?(@.type=="Ready")].status', undefined],
    ['', 'must not be empty'],
    ['spec.app', 'must be a simple json path starting with .'],
    ['{.spec.app}', 'must be a simple json path starting with .'],
    ['.spec[', 'unterminated array'],
  ])('checks %j', (expression, expected) => {
    expect(checkJsonPath(expression)).toBe(expected);
  });
});
