/**
 * Plates as people may see them. A plate names a person's car: only roles the configuration
 * allows (`lpr.plateRoles`, in an agency that is in the wanted-vehicle loop) see it whole;
 * everyone else gets it masked — `12가****` — in every answer and event.
 */
import type { Principal } from '../auth/principal.ts';
import type { AgencyPolicies } from '../auth/policy.ts';
import { PLATE_PATTERN } from '../protocol/lpr.ts';

export interface ParsedPlate {
  /** Old-style region prefix (서울 …), if the plate carries one. */
  region: string | undefined;
  /** The plate without its region: what the watchlist matches on (`12가3456`). */
  core: string;
}

/** A plate the schema accepted (spaces already removed); undefined when it is not one. */
export function parsePlate(plate: string): ParsedPlate | undefined {
  const match = PLATE_PATTERN.exec(plate.replace(/\s+/g, ''));
  if (!match) return undefined;
  const [, region, digits, use, serial] = match;
  return { region, core: `${digits}${use}${serial}` };
}

/** `서울12가3456` → `서울12가****`: the serial, which identifies the car, is hidden. */
export function maskPlate(plate: string): string {
  const parsed = PLATE_PATTERN.exec(plate);
  if (!parsed) return '*'.repeat(Math.min(plate.length, 8));
  const [, region, digits, use] = parsed;
  return `${region ?? ''}${digits}${use}****`;
}

/** Who sees plates whole: a role in `plateRoles` of an agency in the LPR loop (its policy has `lpr`). */
export class PlateVisibility {
  readonly #roles: ReadonlySet<string>;
  readonly #policies: AgencyPolicies;

  constructor(policies: AgencyPolicies, plateRoles: readonly string[]) {
    this.#policies = policies;
    this.#roles = new Set(plateRoles);
  }

  mayView(principal: Pick<Principal, 'role' | 'agency'>): boolean {
    return this.#roles.has(principal.role) && this.#policies.get(principal.agency.id)?.lpr !== undefined;
  }

  /** The plate as this principal may see it. */
  show(principal: Pick<Principal, 'role' | 'agency'>, plate: string): string {
    return this.mayView(principal) ? plate : maskPlate(plate);
  }
}
