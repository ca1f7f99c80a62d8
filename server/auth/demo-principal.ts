/** A demo agency's principal as a dev-issuer token would make it, without signing one: for tests and benchmarks. */
import { ALL_DEMO_AGENCIES } from '../cameras/demo.ts';
import type { Purpose } from '../protocol/events.ts';
import { principalFromClaims, type Principal } from './principal.ts';

export function demoPrincipal(agency: string, purpose: Purpose | undefined, extra: { role?: Principal['role']; districts?: string[]; cameras?: string[] } = {}): Principal {
  const demo = ALL_DEMO_AGENCIES.find((a) => a.id === agency);
  if (!demo) throw new Error(`no demo agency ${agency}`);
  return principalFromClaims('iss', {
    sub: `u-${agency}`,
    name: 'n',
    agency,
    role: extra.role ?? demo.role,
    purpose,
    scope: { districts: extra.districts ?? demo.districts, cameras: extra.cameras ?? [] },
    exp: 2e9
  });
}
