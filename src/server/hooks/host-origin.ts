// Pure helpers for the security hooks: parsing Host/Origin the way Python's urllib does, and deciding whether a
// host name is a loopback address (IP literal, `localhost`, or a name that resolves only to loopback addresses).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface HostParts {
  /** Lower-cased, without IPv6 brackets; null when empty. */
  hostname: string | null;
  port: number | null;
  /** `host[:port]` as written, lower-cased (Python's netloc). */
  netloc: string;
}

/** `urllib.parse.urlsplit('//' + host)`: splits `name:port` or `[v6]:port`. */
export function parseHostHeader(value: string): HostParts {
  const netloc = value.trim().toLowerCase();
  return { netloc, ...splitHostPort(netloc) };
}

/** The authority part of an Origin (`scheme://host[:port]`); null hostname for `null` or garbage. */
export function parseOrigin(value: string): HostParts {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value.trim());
  if (!match) return { hostname: null, port: null, netloc: '' };
  const netloc = match[1]!.replace(/^.*@/, '').toLowerCase();
  return { netloc, ...splitHostPort(netloc) };
}

function splitHostPort(netloc: string): { hostname: string | null; port: number | null } {
  let host = netloc;
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    portText = end >= 0 && host[end + 1] === ':' ? host.slice(end + 2) : undefined;
    host = end >= 0 ? host.slice(1, end) : host.slice(1);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      portText = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
  }
  const port = portText !== undefined && /^\d{1,5}$/.test(portText) ? Number(portText) : null;
  return { hostname: host.length > 0 ? host : null, port };
}

export function isLoopbackIp(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family === 6) {
    const lower = address.toLowerCase();
    return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
  }
  return false;
}

/** Names that are loopback by definition (RFC 6761), never by what a resolver says. */
export function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || isLoopbackIp(hostname);
}

const RESOLVE_TTL_MS = 60_000;
const resolved = new Map<string, { loopback: boolean; expires: number }>();

/**
 * ComfyUI's `is_loopback`: an IP literal that is loopback, or a name whose every address is loopback.
 * Results of lookups are cached for a minute so the hot path never waits on DNS twice.
 */
export async function resolvesToLoopbackOnly(hostname: string): Promise<boolean> {
  if (isIP(hostname)) return isLoopbackIp(hostname);
  if (isLoopbackName(hostname)) return true;
  const now = Date.now();
  const hit = resolved.get(hostname);
  if (hit && hit.expires > now) return hit.loopback;
  let loopback = false;
  try {
    const addresses = await lookup(hostname, { all: true });
    loopback = addresses.length > 0 && addresses.every((a) => isLoopbackIp(a.address));
  } catch {
    loopback = false;
  }
  if (resolved.size > 1000) resolved.clear();
  resolved.set(hostname, { loopback, expires: now + RESOLVE_TTL_MS });
  return loopback;
}

/** ComfyUI's comparison: drop the port on one side when the other side has none. Returns true if they differ. */
export function hostAndOriginDiffer(host: HostParts, origin: HostParts): boolean {
  const hostSide = origin.port === null ? host.hostname : host.netloc;
  const originSide = host.port === null ? origin.hostname : origin.netloc;
  if (!hostSide || !originSide) return false;
  return normalizeBrackets(hostSide) !== normalizeBrackets(originSide);
}

function normalizeBrackets(value: string): string {
  return value.replace(/^\[([^\]]*)\]/, '$1');
}
