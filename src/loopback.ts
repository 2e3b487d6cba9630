/**
 * The one rule for "plain http is allowed here": the URL's host is a literal loopback address,
 * 127.0.0.0/8 or ::1, parsed as an IP (so `127.attacker.example` is a name, not a loopback address).
 * "localhost" is refused on purpose: it is a name that /etc/hosts or a resolver can point anywhere,
 * and the client secret must never go over plain http to a host that is not this machine.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIPv4(h)) return h.split('.')[0] === '127';
  if (isIPv6(h)) return new URL(`http://[${h}]/`).hostname === '[::1]';
  return false;
}

/** https anywhere; plain http only to a loopback address (see isLoopbackHost). */
export function isAllowedScheme(u: URL): boolean {
  return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
}
