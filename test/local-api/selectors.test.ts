import { describe, expect, it } from 'vitest';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type LabelRequirement,
} from '../../src/local-api/selectors.ts';

// Detail texts as kube-apiserver 1.32 words them (apimachinery util/validation).
const nameRule =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRule =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const prefixRule =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const operators = 'in, notin, =, ==, !=, gt, lt';

function requirement(
  key: string,
  operator: LabelRequirement['operator'],
  values: string[] = [],
): LabelRequirement {
  return { key, operator, values };
}

describe('parseLabelSelector', () => {
  it.each<[string, LabelRequirement[]]>([
    ['', []],
    ['   ', []],
    ['a=b', [requirement('a', '=', ['b'])]],
    ['a==b', [requirement('a', '==', ['b'])]],
    ['a!=b', [requirement('a', '!=', ['b'])]],
    ['a=', [requirement('a', '=', [''])]],
    [' a = b ', [requirement('a', '=', ['b'])]],
    ['a in (y,x,x)', [requirement('a', 'in', ['x', 'y'])]],
    ['a notin (x)', [requirement('a', 'notin', ['x'])]],
    ['a in ()', [requirement('a', 'in', [''])]],
    ['a in (,x)', [requirement('a', 'in', ['', 'x'])]],
    ['a in (x,)', [requirement('a', 'in', ['', 'x'])]],
    ['in in (in,notin)', [requirement('in', 'in', ['in', 'notin'])]],
    ['a', [requirement('a', 'exists')]],
    ['!a', [requirement('a', '!')]],
    ['replicas>2', [requirement('replicas', 'gt', ['2'])]],
    ['replicas<10', [requirement('replicas', 'lt', ['10'])]],
    ['app.kubernetes.io/name=herald', [requirement('app.kubernetes.io/name', '=', ['herald'])]],
    [
      'x in (foo,,baz),y,z notin ()',
      [
        requirement('x', 'in', ['', 'baz', 'foo']),
        requirement('y', 'exists'),
        requirement('z', 'notin', ['']),
      ],
    ],
    ['b=1,a', [requirement('a', 'exists'), requirement('b', '=', ['1'])]],
  ])('parses %j', (text, expected) => {
    expect(parseLabelSelector(text)).toEqual(expected);
  });

  it.each([
    ['a b', `unable to parse requirement: found 'b', expected: ${operators}`],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a===b', "unable to parse requirement: found '=', expected: identifier"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    [
      'app:monolith',
      `unable to parse requirement: <nil>: Invalid value: "app:monolith": name part ${nameRule}`,
    ],
    [
      'a/b/c=d',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${nameRule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      'app.kubernetes_io/name=x',
      `unable to parse requirement: <nil>: Invalid value: "app.kubernetes_io/name": prefix part ${prefixRule}`,
    ],
    [
      '/a',
      'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty',
    ],
    [
      'a/',
      `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; name part ${nameRule}`,
    ],
    [
      `${'k'.repeat(64)}=v`,
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    ],
    ['a=b/c', `unable to parse requirement: values[0][a]: Invalid value: "b/c": ${valueRule}`],
    [
      `good-key=${'z'.repeat(64)}`,
      `unable to parse requirement: values[0][good-key]: Invalid value: "${'z'.repeat(64)}": must be no more than 63 characters`,
    ],
    [
      'a in (-y,-x)',
      `unable to parse requirement: [values[0][a]: Invalid value: "-x": ${valueRule}, values[1][a]: Invalid value: "-y": ${valueRule}]`,
    ],
    [
      'a>b',
      "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
  ])('rejects %j', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(SelectorError);
    expect(() => parseLabelSelector(text)).toThrow(new SelectorError(message));
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'herald', tier: 'web', replicas: '3' };

  it.each([
    ['', true],
    ['app=herald', true],
    ['app==herald', true],
    ['app=other', false],
    ['missing=x', false],
    ['app!=other', true],
    ['app!=herald', false],
    ['missing!=x', true],
    ['tier in (web,api)', true],
    ['tier in (api)', false],
    ['missing in (x)', false],
    ['tier notin (api)', true],
    ['tier notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['replicas>2', true],
    ['replicas>3', false],
    ['replicas<4', true],
    ['app>1', false],
    ['missing<1', false],
    ['app=herald,tier=web', true],
    ['app=herald,tier=api', false],
  ])('evaluates %j', (text, expected) => {
    expect(matchesLabels(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('treats undefined labels as none', () => {
    expect(matchesLabels(parseLabelSelector('!app'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('app'), undefined)).toBe(false);
  });

  it('ignores inherited object members', () => {
    expect(matchesLabels(parseLabelSelector('constructor'), {})).toBe(false);
  });
});

const customResourceFields = ['metadata.name', 'metadata.namespace'] as const;

describe('parseFieldSelector', () => {
  it.each([
    ['', []],
    ['metadata.name=foo', [{ field: 'metadata.name', operator: '=', value: 'foo' }]],
    ['metadata.name==foo', [{ field: 'metadata.name', operator: '==', value: 'foo' }]],
    ['metadata.name!=foo', [{ field: 'metadata.name', operator: '!=', value: 'foo' }]],
    ['metadata.name=', [{ field: 'metadata.name', operator: '=', value: '' }]],
    [
      'metadata.namespace=ns,metadata.name=a',
      [
        { field: 'metadata.name', operator: '=', value: 'a' },
        { field: 'metadata.namespace', operator: '=', value: 'ns' },
      ],
    ],
    ['metadata.name=a,', [{ field: 'metadata.name', operator: '=', value: 'a' }]],
    ['metadata.name=a\\,b', [{ field: 'metadata.name', operator: '=', value: 'a,b' }]],
    ['metadata.name=a\\=b', [{ field: 'metadata.name', operator: '=', value: 'a=b' }]],
    ['metadata.name=a\\\\b', [{ field: 'metadata.name', operator: '=', value: 'a\\b' }]],
  ])('parses %j', (text, expected) => {
    expect(parseFieldSelector(text, customResourceFields)).toEqual(expected);
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a,b', "invalid selector: 'metadata.name=a,b'; can't understand 'b'"],
    ['spec.x=1', 'field label not supported: spec.x'],
    ['metadata.name = a', 'field label not supported: metadata.name '],
    ['metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
    ['metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (text, message) => {
    expect(() => parseFieldSelector(text, customResourceFields)).toThrow(
      new SelectorError(message),
    );
  });

  it('honours the supported list', () => {
    expect(parseFieldSelector('status.phase=Running', ['status.phase'])).toHaveLength(1);
    expect(() => parseFieldSelector('metadata.namespace=a', ['metadata.name'])).toThrow(
      'field label not supported: metadata.namespace',
    );
  });
});

describe('matchesFields', () => {
  const fields = { 'metadata.name': 'web', 'metadata.namespace': 'team-a' };

  it.each([
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name=api', false],
    ['metadata.name!=api', true],
    ['metadata.name!=web', false],
    ['metadata.name=web,metadata.namespace=team-a', true],
    ['metadata.name=web,metadata.namespace=team-b', false],
  ])('evaluates %j', (text, expected) => {
    expect(matchesFields(parseFieldSelector(text, customResourceFields), fields)).toBe(expected);
  });

  it('compares a missing field as empty', () => {
    const selector = parseFieldSelector('metadata.namespace=', customResourceFields);
    expect(matchesFields(selector, { 'metadata.name': 'web' })).toBe(true);
  });
});
