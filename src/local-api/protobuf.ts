/**
 * Decoding of the Kubernetes protobuf encoding for the few built-in kinds kubectl sends that
 * way (`kubectl create secret|configmap|namespace` post protobuf bodies). Only request bodies
 * are decoded, and responses stay JSON, which kubectl accepts as its second choice.
 * Wire format: the magic bytes "k8s\0", then a runtime.Unknown message whose `raw` field contains
 * the object's own message (k8s.io/api/core/v1/generated.proto).
 */
import { badRequest } from './errors.ts';
import { formatTimestamp, type JsonObject } from './object.ts';

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Scalar = 'string' | 'bytes' | 'bool' | 'int';

interface FieldSpec {
  name: string;
  type: Scalar | 'time' | 'message' | 'map';
  repeated?: boolean;
  message?: MessageSpec;
  /** Value type of a map<string, ...> field. */
  mapValue?: 'string' | 'bytes';
}

type MessageSpec = Record<number, FieldSpec>;

const ownerReferenceSpec: MessageSpec = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const objectMetaSpec: MessageSpec = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: 'map', mapValue: 'string' },
  12: { name: 'annotations', type: 'map', mapValue: 'string' },
  13: { name: 'ownerReferences', type: 'message', repeated: true, message: ownerReferenceSpec },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const metadataField: FieldSpec = { name: 'metadata', type: 'message', message: objectMetaSpec };

/** Message layouts of the kinds that can arrive as protobuf, by kind. */
const kindSpecs: Record<string, MessageSpec> = {
  Secret: {
    1: metadataField,
    2: { name: 'data', type: 'map', mapValue: 'bytes' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'map', mapValue: 'string' },
    5: { name: 'immutable', type: 'bool' },
  },
  ConfigMap: {
    1: metadataField,
    2: { name: 'data', type: 'map', mapValue: 'string' },
    3: { name: 'binaryData', type: 'map', mapValue: 'bytes' },
    4: { name: 'immutable', type: 'bool' },
  },
  Namespace: {
    1: metadataField,
    2: {
      name: 'spec',
      type: 'message',
      message: { 1: { name: 'finalizers', type: 'string', repeated: true } },
    },
  },
};

/** Tells whether bodies of this kind can be decoded from protobuf. */
export function supportsProtobuf(kind: string): boolean {
  return kindSpecs[kind] !== undefined;
}

class Reader {
  private offset = 0;
  private readonly buffer: Buffer;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }

  get done(): boolean {
    return this.offset >= this.buffer.length;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      const byte = this.buffer[this.offset];
      if (byte === undefined) throw new Error('truncated varint');
      this.offset += 1;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
  }

  bytes(): Buffer {
    const length = this.varint();
    if (this.offset + length > this.buffer.length) {
      throw new Error('truncated length-delimited field');
    }
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1) this.offset += 8;
    else if (wireType === 5) this.offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

/** Iterates the (field number, wire type) tags of a message, calling `visit` for each. */
function readFields(
  buffer: Buffer,
  visit: (field: number, wireType: number, reader: Reader) => void,
): void {
  const reader = new Reader(buffer);
  while (!reader.done) {
    const tag = reader.varint();
    visit(Math.floor(tag / 8), tag % 8, reader);
  }
}

function decodeTime(buffer: Buffer): string | undefined {
  let seconds = 0;
  readFields(buffer, (field, wireType, reader) => {
    if (field === 1 && wireType === 0) seconds = reader.varint();
    else reader.skip(wireType);
  });
  return seconds === 0 ? undefined : formatTimestamp(new Date(seconds * 1000));
}

function decodeMapEntry(buffer: Buffer, valueType: 'string' | 'bytes'): [string, string] {
  let key = '';
  let value = '';
  readFields(buffer, (field, wireType, reader) => {
    if (field === 1 && wireType === 2) key = reader.bytes().toString('utf8');
    else if (field === 2 && wireType === 2) {
      const raw = reader.bytes();
      value = valueType === 'bytes' ? raw.toString('base64') : raw.toString('utf8');
    } else reader.skip(wireType);
  });
  return [key, value];
}

function decodeValue(spec: FieldSpec, wireType: number, reader: Reader): unknown {
  switch (spec.type) {
    case 'int':
      return reader.varint();
    case 'bool':
      return reader.varint() !== 0;
    case 'string':
      return reader.bytes().toString('utf8');
    case 'bytes':
      return reader.bytes().toString('base64');
    case 'time':
      return decodeTime(reader.bytes());
    case 'message':
      return decodeMessage(reader.bytes(), spec.message ?? {});
    case 'map':
      return decodeMapEntry(reader.bytes(), spec.mapValue ?? 'string');
    default:
      reader.skip(wireType);
      return undefined;
  }
}

/** Decodes a message into JSON, leaving out empty values as Go's omitempty JSON tags do. */
function decodeMessage(buffer: Buffer, spec: MessageSpec): JsonObject {
  const result: JsonObject = {};
  readFields(buffer, (field, wireType, reader) => {
    const fieldSpec = spec[field];
    if (fieldSpec === undefined) {
      reader.skip(wireType);
      return;
    }
    const value = decodeValue(fieldSpec, wireType, reader);
    if (fieldSpec.type === 'map') {
      const [key, entry] = value as [string, string];
      const map = (result[fieldSpec.name] ?? {}) as JsonObject;
      map[key] = entry;
      result[fieldSpec.name] = map;
    } else if (fieldSpec.repeated === true) {
      const list = (result[fieldSpec.name] ?? []) as unknown[];
      list.push(value);
      result[fieldSpec.name] = list;
    } else if (value !== undefined && value !== '' && value !== 0 && value !== false) {
      result[fieldSpec.name] = value;
    }
  });
  return result;
}

/**
 * Decodes a protobuf request body of `kind` into the object's JSON form, failing with kube's
 * 400 wording on malformed input.
 */
export function decodeProtobufObject(body: Buffer, kind: string): JsonObject {
  const spec = kindSpecs[kind];
  if (spec === undefined || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${kind}): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]`,
    );
  }
  try {
    let typeMeta: JsonObject = {};
    let raw: Buffer = Buffer.alloc(0);
    readFields(body.subarray(4), (field, wireType, reader) => {
      if (field === 1 && wireType === 2) {
        typeMeta = decodeMessage(reader.bytes(), {
          1: { name: 'apiVersion', type: 'string' },
          2: { name: 'kind', type: 'string' },
        });
      } else if (field === 2 && wireType === 2) raw = reader.bytes();
      else reader.skip(wireType);
    });
    return { ...typeMeta, ...decodeMessage(raw, spec) };
  } catch (error) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${kind}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
