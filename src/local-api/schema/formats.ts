/**
 * The string formats kube-apiserver 1.32 validates in custom resources, with the checks of
 * kube-openapi's strfmt registry (itself built on Go's net, net/mail, net/url and time packages
 * and on govalidator). Other formats are ignored, as Kubernetes strips them from the schema.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isDate, isDateTime, isDuration } from './formats-time.ts';
import { isEmail, isRequestURI } from './formats-address.ts';
import type { JSONSchemaProps } from './types.ts';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const HOSTNAME =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z0-9\p{S}\p{L}])(-?[a-zA-Z0-9\p{S}\p{L}]){1,62})$/u;
const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const RGB_CHANNEL = String.raw`\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*`;
const RGB_COLOR = new RegExp(`^rgb\\(${RGB_CHANNEL},${RGB_CHANNEL},${RGB_CHANNEL}\\)$`);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAC_COLON_OR_DASH = /^[0-9a-fA-F]{2}([:-])(?:[0-9a-fA-F]{2}\1)*[0-9a-fA-F]{2}$/;
const MAC_DOTTED = /^[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4})*$/;

/** Go's net.ParseIP, which accepts no IPv6 zone. */
function parsesAsIP(text: string): boolean {
  return isIPv4(text) || (isIPv6(text) && !text.includes('%'));
}

/** Go's net.ParseCIDR: an address, a slash and a prefix length in range. */
function isCIDR(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bits) || !parsesAsIP(address)) return false;
  return Number(bits) <= (isIPv4(address) ? 32 : 128);
}

/** Go's net.ParseMAC: 6, 8 or 20 octets, colon, dash or dot separated. */
function isMAC(text: string): boolean {
  if (MAC_COLON_OR_DASH.test(text)) return [6, 8, 20].includes((text.length + 1) / 3);
  if (MAC_DOTTED.test(text)) return [3, 4, 10].includes((text.length + 1) / 5);
  return false;
}

/** govalidator's IsISBN for version 10 or 13, after removing spaces and dashes. */
function isISBN(text: string, version: 10 | 13): boolean {
  const digits = text.replace(/[\s-]+/g, '');
  if (version === 10) {
    if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(digits)) return false;
    let checksum = 0;
    for (let i = 0; i < 9; i++) checksum += (i + 1) * Number(digits[i]);
    checksum += digits[9] === 'X' ? 100 : 10 * Number(digits[9]);
    return checksum % 11 === 0;
  }
  if (!/^[0-9]{13}$/.test(digits)) return false;
  let checksum = 0;
  for (let i = 0; i < 12; i++) checksum += (i % 2 === 0 ? 1 : 3) * Number(digits[i]);
  return Number(digits[12]) === (10 - (checksum % 10)) % 10;
}

/** govalidator's IsCreditCard: a known card number pattern and a valid Luhn checksum. */
function isCreditCard(text: string): boolean {
  const digits = text.replace(/[^0-9]+/g, '');
  if (!CREDIT_CARD.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = Number(digits[i]);
    if (double) digit = digit * 2 >= 10 ? ((digit * 2) % 10) + 1 : digit * 2;
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** kube-openapi's IsHostname: the RFC 1034 pattern, at most 255 bytes, labels of 63 bytes. */
function isHostname(text: string): boolean {
  const bytes = (part: string) => Buffer.byteLength(part, 'utf8');
  if (!HOSTNAME.test(text) || bytes(text) > 255) return false;
  return text.split('.').every((label) => bytes(label) <= 63);
}

const CHECKS: Record<string, (text: string) => boolean> = {
  bsonobjectid: (text) => /^[0-9a-fA-F]{24}$/.test(text),
  uri: isRequestURI,
  email: isEmail,
  hostname: isHostname,
  ipv4: (text) => parsesAsIP(text) && text.includes('.'),
  ipv6: (text) => parsesAsIP(text) && text.includes(':'),
  cidr: isCIDR,
  mac: isMAC,
  uuid: (text) => UUID.test(text),
  uuid3: (text) => UUID3.test(text),
  uuid4: (text) => UUID4.test(text),
  uuid5: (text) => UUID5.test(text),
  isbn: (text) => isISBN(text, 10) || isISBN(text, 13),
  isbn10: (text) => isISBN(text, 10),
  isbn13: (text) => isISBN(text, 13),
  creditcard: isCreditCard,
  ssn: (text) => text.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(text),
  hexcolor: (text) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(text),
  rgbcolor: (text) => RGB_COLOR.test(text),
  byte: (text) => BASE64.test(text),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
};

/** kube-openapi's registry lookup ignores dashes: "date-time" is "datetime". */
function registryName(format: string): string {
  return format.replaceAll('-', '');
}

/**
 * Returns the format kube-apiserver keeps on a node after stripping unsupported ones: a supported
 * string format, int32/int64 on integers, float/double on numbers, otherwise none ("").
 */
export function effectiveFormat(node: JSONSchemaProps): string {
  const format = node.format ?? '';
  if (format === '') return '';

  const schemaType = node['x-kubernetes-int-or-string'] === true ? '' : (node.type ?? '');
  switch (schemaType) {
    case '':
    case 'string':
      return Object.hasOwn(CHECKS, registryName(format)) ? format : '';
    case 'integer':
      return format === 'int32' || format === 'int64' ? format : '';
    case 'number':
      return format === 'float' || format === 'double' ? format : '';
    default:
      return '';
  }
}

/** Tells whether a string is valid for a format; formats without a check accept anything. */
export function matchesFormat(format: string, text: string): boolean {
  const check = CHECKS[registryName(format)];
  return check === undefined || check(text);
}

/** Tells whether a format is one the string format validator checks. */
export function isCheckedStringFormat(format: string): boolean {
  return Object.hasOwn(CHECKS, registryName(format));
}
