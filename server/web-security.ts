/**
 * What the hub tells browsers about itself: the headers every response carries (pages, API,
 * static files), and which page origins may open a Socket.IO session. The pages' own
 * Content-Security-Policy (scripts, styles, connections, with nonces for SvelteKit's inline
 * scripts) is SvelteKit's, from svelte.config.js; who may frame the pages is the deployment's
 * (config `http.frameAncestors`), so it travels as a second policy: a browser enforces both.
 */
import type { ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** Hosts that mean "every interface": no one address a browser could use. */
export const ALL_INTERFACES: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]']);

export interface SecurityHeaders {
  /** Set on every response before anything else writes it. */
  common: Record<string, string>;
  /** The frame policy, added beside SvelteKit's own policy on pages. */
  framePolicy: string;
}

export function securityHeaders(frameAncestors: readonly string[]): SecurityHeaders {
  const framePolicy = `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`;
  return {
    framePolicy,
    common: {
      // API answers and static files run nothing; pages replace this with SvelteKit's policy.
      'content-security-policy': `default-src 'none'; ${framePolicy}`,
      // For browsers without frame-ancestors; with an allow-list, the modern ones follow the list.
      'x-frame-options': frameAncestors.length ? 'SAMEORIGIN' : 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin'
    }
  };
}

export function applySecurityHeaders(res: ServerResponse, headers: SecurityHeaders): void {
  for (const [name, value] of Object.entries(headers.common)) res.setHeader(name, value);
}

/**
 * A response for SvelteKit's handler: when it sets its Content-Security-Policy, the frame
 * policy is kept as a second one (SvelteKit's directives are fixed at build time; the frame
 * policy is the deployment's, read at start).
 */
export function withFramePolicy(res: ServerResponse, headers: SecurityHeaders): ServerResponse {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => setHeader(name, name.toLowerCase() === 'content-security-policy' ? [String(value), headers.framePolicy] : value);
  return res;
}

/**
 * The hub's own origins when none are configured: the address it listens on (with `localhost`
 * beside a loopback address, every interface's address when it listens on all of them) and the
 * announced address.
 */
export function ownOrigins(host: string, port: number, announcedAddress: string | undefined): string[] {
  const hosts = new Set<string>();
  if (ALL_INTERFACES.has(host)) {
    for (const addresses of Object.values(networkInterfaces())) for (const { address } of addresses ?? []) hosts.add(address);
    hosts.add('localhost');
  } else {
    hosts.add(host);
    if (LOOPBACK.has(host)) for (const name of LOOPBACK) hosts.add(name);
  }
  if (announcedAddress) hosts.add(announcedAddress);
  return [...hosts].map((h) => new URL(`http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`).origin);
}

/**
 * Whether a Socket.IO handshake may proceed. Browsers always send `Origin` on it: a page of
 * another origin (or a sandboxed one, `null`) is refused. A client that sends none is not a
 * browser page (a CAD system, a test) and has no ambient authority to abuse: its token decides.
 */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  return origin === undefined || allowed.has(origin);
}
