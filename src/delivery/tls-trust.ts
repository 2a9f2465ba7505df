import { getCACertificates } from 'node:tls';

/**
 * Returns the certificates to trust when a custom CA bundle is configured: Node's default set
 * followed by `pem`. The default set is the bundled Mozilla roots, plus the certificates of
 * NODE_EXTRA_CA_CERTS, plus the system store when Node runs with --use-system-ca. The TLS `ca`
 * option replaces the default set rather than adding to it, so the bundle alone would make
 * every public webhook host untrusted.
 */
export function withDefaultCertificates(pem: string): string[] {
  return [...getCACertificates('default'), pem];
}
