import { describe, expect, it } from 'vitest';

import { ApiError } from '../../src/local-api/errors.ts';
import { decodeProtobufObject, supportsProtobuf } from '../../src/local-api/protobuf.ts';

// Bodies captured from kubectl 1.32's `kubectl create secret generic creds --from-literal=token=abc`,
// `kubectl create configmap cfg --from-literal=a=b` and `kubectl create namespace nsx`.
const secretBody =
  '6b3873000a0c0a027631120653656372657412270a150a05637265647312001a0022002a00320038004200120c0a05746f6b656e12036162631a001a002200';
const configMapBody =
  '6b3873000a0f0a0276311209436f6e6669674d6170121d0a130a0363666712001a0022002a0032003800420012060a01611201621a002200';
const namespaceBody =
  '6b3873000a0f0a02763112094e616d657370616365121b0a130a036e737812001a0022002a0032003800420012001a020a001a002200';

describe('protobuf bodies', () => {
  it.each([
    [
      'Secret',
      secretBody,
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { token: 'YWJj' } },
    ],
    [
      'ConfigMap',
      configMapBody,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } },
    ],
    [
      'Namespace',
      namespaceBody,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nsx' }, spec: {} },
    ],
  ])('decodes a %s', (kind, hex, expected) => {
    expect(decodeProtobufObject(Buffer.from(hex, 'hex'), kind)).toEqual(expected);
  });

  it('rejects a body without the magic prefix', () => {
    expect(() => decodeProtobufObject(Buffer.from('{}'), 'Secret')).toThrow(ApiError);
  });

  it('rejects a truncated body', () => {
    const truncated = Buffer.from(secretBody.slice(0, 40), 'hex');
    expect(() => decodeProtobufObject(truncated, 'Secret')).toThrow(/must be of type Secret/);
  });

  it('supports only the kinds kubectl create sends', () => {
    expect(supportsProtobuf('Secret')).toBe(true);
    expect(supportsProtobuf('Lease')).toBe(false);
  });
});
