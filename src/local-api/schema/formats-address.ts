/**
 * The uri and email formats. kube-openapi checks them with Go's net/url.ParseRequestURI and
 * net/mail.ParseAddress; these functions follow those parsers' main rules.
 */

// NOTE: an approximation of net/mail.ParseAddress: an addr-spec alone or "Name <addr-spec>",
// without RFC 5322 comments or obsolete syntax.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uffff-]+";
const DOT_ATOM = `${ATOM}(?:\\.${ATOM})*`;
const QUOTED = '"(?:[^"\\\\\\r\\n]|\\\\.)*"';
const ADDR_SPEC = `(?:${DOT_ATOM}|${QUOTED})@(?:${DOT_ATOM}|\\[[^\\[\\]\\\\]*\\])`;
const PHRASE = `(?:${ATOM}|${QUOTED})(?:\\s+(?:${ATOM}|${QUOTED}))*`;
const EMAIL = new RegExp(`^\\s*(?:${ADDR_SPEC}|(?:${PHRASE}\\s*)?<${ADDR_SPEC}>)\\s*$`, 'u');

/** Tells whether net/mail.ParseAddress would accept the text (see the note above). */
export function isEmail(text: string): boolean {
  return EMAIL.test(text);
}

const CONTROL = /[\x00-\x1f\x7f]/;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]*$/u;
const USERINFO_CHARS = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

/** net/url's getScheme: the scheme, "" when there is none, undefined when it is malformed. */
function schemeOf(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (/[a-zA-Z]/.test(char)) continue;
    if (/[0-9+\-.]/.test(char)) {
      if (i === 0) return '';
      continue;
    }
    if (char === ':') return i === 0 ? undefined : text.slice(0, i);
    return '';
  }
  return '';
}

/** net/url's parseAuthority: user info, then a host and an optional numeric port. */
function isValidAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  if (!USERINFO_CHARS.test(userinfo) || BAD_ESCAPE.test(userinfo)) return false;

  let port = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return false;
    const afterBracket = hostPort.slice(close + 1);
    if (afterBracket !== '' && !afterBracket.startsWith(':')) return false;
    port = afterBracket.slice(1);
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0) port = hostPort.slice(colon + 1);
  }
  return /^[0-9]*$/.test(port) && HOST_CHARS.test(hostPort) && !BAD_ESCAPE.test(hostPort);
}

/**
 * Tells whether net/url.ParseRequestURI would accept the text: an absolute URI, or an absolute
 * path; no control characters and well-formed percent escapes.
 */
export function isRequestURI(text: string): boolean {
  if (text === '' || CONTROL.test(text)) return false;
  if (text === '*') return true;

  const scheme = schemeOf(text);
  if (scheme === undefined) return false;
  let rest = scheme === '' ? text : text.slice(scheme.length + 1);
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);

  if (!rest.startsWith('/')) return scheme !== '';
  if (scheme !== '' && rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
    if (!isValidAuthority(authority)) return false;
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
  }
  return !BAD_ESCAPE.test(rest);
}
