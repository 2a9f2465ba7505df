/**
 * CEL functions kube-apiserver offers that @bufbuild/cel lacks: the optional values that
 * `optionalOldSelf` rules receive, and Kubernetes' list library (isSorted, sum, min, max,
 * indexOf, lastIndexOf).
 * TODO: Kubernetes' regex (find, findAll), url, quantity, ip and cidr libraries, optional field
 * selection (`self.?field`) and the `optional` namespace (`optional.of`) are not available.
 */
import {
  CelScalar,
  celList,
  celMethod,
  isCelList,
  listType,
  type CelFunc,
  type CelInput,
  type CelList,
  type CelValue,
} from '@bufbuild/cel';

// An optional is a CEL list of zero or one element. The marked lists made here are the only
// values that hasValue(), value() and orValue() accept.
const optionals = new WeakSet<object>();

/** Wraps a value (or its absence) as the optional that `oldSelf` is for optionalOldSelf rules. */
export function optionalOf(value: CelInput | undefined): CelList {
  const optional = celList(value === undefined ? [] : [value]);
  optionals.add(optional);
  return optional;
}

function asOptional(target: CelValue): CelList {
  if (typeof target === 'object' && target !== null && optionals.has(target) && isCelList(target)) {
    return target;
  }
  throw new Error('no such overload');
}

const optionalFunctions: CelFunc[] = [
  celMethod('hasValue', CelScalar.DYN, [], CelScalar.BOOL, function () {
    return asOptional(this).size > 0;
  }),
  celMethod('value', CelScalar.DYN, [], CelScalar.DYN, function () {
    const value = asOptional(this).get(0);
    if (value === undefined) throw new Error('optional.none() dereference');
    return value;
  }),
  celMethod('orValue', CelScalar.DYN, [CelScalar.DYN], CelScalar.DYN, function (fallback) {
    return asOptional(this).get(0) ?? fallback;
  }),
];

type Comparable = bigint | number | string | boolean;

function comparable(value: CelValue): Comparable {
  if (['bigint', 'number', 'string', 'boolean'].includes(typeof value)) return value as Comparable;
  throw new Error('no such overload');
}

function compare(a: CelValue, b: CelValue): number {
  const left = comparable(a);
  const right = comparable(b);
  if (typeof left !== typeof right && !(isNumeric(left) && isNumeric(right))) {
    throw new Error('no such overload');
  }
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

function isNumeric(value: Comparable): value is bigint | number {
  return typeof value === 'bigint' || typeof value === 'number';
}

function extreme(list: CelList, name: string, sign: 1 | -1): CelValue {
  let best: CelValue | undefined;
  for (const item of list) {
    if (best === undefined || sign * compare(item, best) > 0) best = item;
  }
  if (best === undefined) throw new Error(`${name}(list) argument must not be empty`);
  return best;
}

function sum(list: CelList): bigint | number {
  let total: bigint | number = 0n;
  for (const item of list) {
    const value = comparable(item);
    if (typeof value === 'bigint' && typeof total === 'bigint') total += value;
    else if (typeof value === 'number') total = Number(total) + value;
    else throw new Error('no such overload');
  }
  return total;
}

function indexOf(list: CelList, element: CelValue, fromEnd: boolean): bigint {
  const items = [...list];
  const order = fromEnd ? items.map((_, i) => items.length - 1 - i) : items.map((_, i) => i);
  const found = order.find((i) => compare(items[i] as CelValue, element) === 0);
  return BigInt(found ?? -1);
}

const LIST = listType(CelScalar.DYN);

const listFunctions: CelFunc[] = [
  celMethod('isSorted', LIST, [], CelScalar.BOOL, function () {
    const items = [...this];
    return items.every((item, i) => i === 0 || compare(items[i - 1] as CelValue, item) <= 0);
  }),
  celMethod('sum', LIST, [], CelScalar.DYN, function () {
    return sum(this);
  }),
  celMethod('min', LIST, [], CelScalar.DYN, function () {
    return extreme(this, 'min', -1);
  }),
  celMethod('max', LIST, [], CelScalar.DYN, function () {
    return extreme(this, 'max', 1);
  }),
  celMethod('indexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (element) {
    return indexOf(this, element, false);
  }),
  celMethod('lastIndexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (element) {
    return indexOf(this, element, true);
  }),
];

/** The functions added to @bufbuild/cel's standard library and strings extension. */
export const kubernetesFunctions: CelFunc[] = [...optionalFunctions, ...listFunctions];
