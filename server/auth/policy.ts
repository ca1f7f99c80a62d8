/**
 * Agency policies: which purposes an agency may view for, and which camera categories
 * (설치목적구분) are in or out for it. The token says who and where (districts, cameras); the
 * hub's own configuration says what each agency may do — an IdP cannot widen it.
 */
import { z } from 'zod';
import { PURPOSES, type Purpose } from '../protocol/events.ts';

export const agencyPolicySchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1),
  nameEn: z.string().min(1).optional(),
  /** Allowed purposes; the first is the default offered at sign-in. */
  purposes: z.array(z.enum(PURPOSES)).min(1),
  categories: z
    .object({ include: z.array(z.string().min(1)).optional(), exclude: z.array(z.string().min(1)).optional() })
    .strict()
    .default({})
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
