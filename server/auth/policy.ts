/**
 * Agency policies: which purposes an agency may view for, and which camera categories
 * (설치목적구분) are in or out for it. The token says who and where (districts, cameras); the
 * hub's own configuration says what each agency may do — an IdP cannot widen it — including the
 * bounds its incident grants stay within and the 구 whose cameras it operates.
 */
import { z } from 'zod';
import { PURPOSES, type Purpose } from '../protocol/events.ts';
import { grantRulesSchema, pursuitRulesSchema, type GrantRules, type PursuitRules } from './grant-policy.ts';
import { CITY_WIDE } from './principal.ts';

export const agencyPolicySchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1),
  nameEn: z.string().min(1).optional(),
  /** Allowed purposes; the first is the default offered at sign-in. */
  purposes: z.array(z.enum(PURPOSES)).min(1),
  categories: z
    .object({ include: z.array(z.string().min(1)).optional(), exclude: z.array(z.string().min(1)).optional() })
    .strict()
    .default({}),
  /** The 구 whose cameras this agency operates (a district control centre, 관제센터): it sees who holds grants over them. */
  owns: z.array(z.string().min(1).max(16)).optional(),
  /** The bounds its operators open incident grants within (server/auth/grant-policy.ts); none: its incidents carry no grant. */
  grants: grantRulesSchema.optional(),
  /** The bounds of its pursuits' corridor grants (server/auth/grant-policy.ts); none: it opens no pursuit. */
  pursuits: pursuitRulesSchema.optional(),
  /**
   * A police agency in the wanted-vehicle (LPR) loop: watchlist hits at cameras in `alerts` (구
   * codes, or `*` for the 112 room's whole city) alert it; its supervisors keep the watchlist.
   */
  lpr: z.object({ alerts: z.array(z.string().min(1).max(16)).min(1) }).strict().optional()
});

export type AgencyPolicy = z.infer<typeof agencyPolicySchema>;

export class AgencyPolicies {
  readonly #byId = new Map<string, AgencyPolicy>();

  constructor(policies: Iterable<AgencyPolicy>) {
    for (const policy of policies) this.#byId.set(policy.id, policy);
  }

  get(agency: string): AgencyPolicy | undefined {
    return this.#byId.get(agency);
  }

  all(): AgencyPolicy[] {
    return [...this.#byId.values()];
  }

  grantRules(agency: string): GrantRules | undefined {
    return this.#byId.get(agency)?.grants;
  }

  pursuitRules(agency: string): PursuitRules | undefined {
    return this.#byId.get(agency)?.pursuits;
  }

  /** Agencies that operate cameras in these 구 (their control centres). */
  owners(): AgencyPolicy[] {
    return this.all().filter((policy) => (policy.owns?.length ?? 0) > 0);
  }

  /** Police agencies alerted to a watchlist hit at a camera in this 구. */
  lprAlerted(district: string): AgencyPolicy[] {
    return this.all().filter((policy) => policy.lpr?.alerts.some((d) => d === CITY_WIDE || d === district));
  }

  allowsPurpose(agency: string, purpose: Purpose): boolean {
    return this.#byId.get(agency)?.purposes.includes(purpose) ?? false;
  }

  allowsCategory(agency: string, category: string): boolean {
    const categories = this.#byId.get(agency)?.categories;
    if (!categories) return false;
    if (categories.exclude?.includes(category)) return false;
    return categories.include ? categories.include.includes(category) : true;
  }
}
