/**
 * Where an incident grant is authorised: the bounded rules an agency's operators open grants
 * under (types, purposes, radius, jurisdiction, how many at once, for how long), and the rules
 * of trusted sources (a CAD system, alarm or LPR sources) that mint grants themselves. An
 * operator's grant always waits for a second person, a supervisor of the same agency; a trusted
 * source's grant is in force at once, within its own rules. Nothing here widens past the rules:
 * a request beyond them is refused, whoever approves. Pure: the caller supplies the counts and
 * where a point lies.
 */
import { z } from 'zod';
import { M_PER_DEG } from '../geo/geometry.ts';
import { HubError } from '../protocol/errors.ts';
import { PURPOSES, type Purpose } from '../protocol/events.ts';
import { incidentTypeSchema } from '../protocol/incident-requests.ts';
import type { IncidentType } from '../protocol/incidents.ts';
import { CITY_WIDE, type Principal } from './principal.ts';

/** The bounds a grant is opened within. */
export const grantRulesSchema = z
  .object({
    /** Incident types that may carry a grant. */
    types: z.array(incidentTypeSchema).min(1),
    /** Token purposes that may ask for one. */
    purposes: z.array(z.enum(PURPOSES)).min(1),
    maxRadiusM: z.number().min(50).max(5000),
    /** Radius when the request names none (capped at maxRadiusM). */
    defaultRadiusM: z.number().min(50).max(5000).optional(),
    /** Where the scene may lie: 구 codes (a police station's 구), or `*` for the whole city (a 119 room). */
    jurisdiction: z.array(z.string().min(1).max(16)).min(1),
    /** Grants waiting or in force at once (per agency; per source for a trusted source). */
    maxOpen: z.number().int().min(1).max(1000),
    /** How long a grant lasts before it must be renewed; default `grants.ttlMs`. */
    ttlMs: z.number().int().min(1000).max(24 * 3600_000).optional()
  })
  .strict();

export type GrantRules = z.infer<typeof grantRulesSchema>;

/** A trusted source's account and its own rules: a token with this subject, for one of these agencies, is that source. */
export const grantSourceSchema = grantRulesSchema
  .extend({
    /** Shown as the grant's source (e.g. `cad-119`). */
    name: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/),
    subject: z.string().min(1).max(128),
    agencies: z.array(z.string().min(1).max(64)).min(1),
    /** Optionally, the one issuer the source's tokens come from. */
    issuer: z.string().min(1).optional()
  })
  .strict();

export type GrantSource = z.infer<typeof grantSourceSchema>;

/** What an incident asks for. */
export interface GrantAsk {
  type: IncidentType;
  location: { lat: number; lon: number };
  radiusM: number | undefined;
}

/** A grant the rules allow: how it is minted. */
export interface GrantRuling {
  /** `agency` for an operator's request, else the trusted source's name. */
  source: string;
  radiusM: number;
  ttlMs: number;
  /** Waits for a supervisor (an operator's request) or is in force at once (a trusted source). */
  needsApproval: boolean;
}

export interface GrantPolicyContext {
  /** Grants of `agency` from `source` that are pending or active. */
  openCount(agency: string, source: string): number;
  /** The 구 code at a point, or null outside the city. */
  districtAt(lat: number, lon: number): string | null;
}

export const AGENCY_SOURCE = 'agency';
/** The source of a grant the owner of a shared view extended to a participating agency. */
export const SHARED_VIEW_SOURCE = 'shared-view';

/** How far the owner of a shared view may extend an incident's grant to a participating agency. */
export const grantExtensionSchema = z
  .object({
    /** The radius at most (the incident's own grant's, when smaller, wins). */
    maxRadiusM: z.number().min(50).max(5000).default(1000),
    /** Extended grants one agency may hold at once. */
    maxOpen: z.number().int().min(1).max(1000).default(10),
    /** How long one lasts (never past the incident's own grant); default `grants.ttlMs`. */
    ttlMs: z.number().int().min(1000).max(24 * 3600_000).optional()
  })
  .strict();

export type GrantExtensionRules = z.infer<typeof grantExtensionSchema>;

/** What an extension asks for: from whom, of which incident, for which agency. */
export interface ExtensionAsk {
  owner: Principal;
  incident: { agency: string; status: 'open' | 'closed'; location: { lat: number; lon: number } };
  /** The incident's own grant in force, if it has one. */
  incidentGrant: { radiusM: number; expiresAt: number } | undefined;
  agency: string;
  /** Whether the hub has a policy for that agency (none: it may be granted nothing). */
  agencyKnown: boolean;
  now: number;
}

export class GrantPolicy {
  readonly #agencyRules: (agency: string) => GrantRules | undefined;
  readonly #sources: readonly GrantSource[];
  readonly #defaults: { ttlMs: number; defaultRadiusM: number };
  readonly #extension: GrantExtensionRules;

  constructor(
    agencyRules: (agency: string) => GrantRules | undefined,
    sources: readonly GrantSource[],
    defaults: { ttlMs: number; defaultRadiusM: number },
    extension: GrantExtensionRules = grantExtensionSchema.parse({})
  ) {
    this.#agencyRules = agencyRules;
    this.#sources = sources;
    this.#defaults = defaults;
    this.#extension = extension;
  }

  /**
   * The grant the owner of a shared view may extend from its incident to a participating agency:
   * only the incident's own agency, only while it is open, the incident's scene and at most its
   * own grant's radius and lifetime (or the extension rules'), within a count per agency. In
   * force at once: the owner's decision is the approval, and it is audited.
   */
  ruleExtension(ask: ExtensionAsk, openCount: (agency: string, source: string) => number): GrantRuling | HubError {
    const { owner, incident, agency } = ask;
    if (owner.role !== 'operator' && owner.role !== 'supervisor') return notAllowed('운영자만 권한을 넓힐 수 있습니다 (operators only)');
    if (incident.agency !== owner.agency.id) return notAllowed('사건을 연 기관만 권한을 넓힐 수 있습니다 (only the incident\'s own agency extends its grant)');
    if (incident.status !== 'open') return new HubError('INCIDENT_CLOSED', '이미 종료된 사건입니다 (incident closed)');
    if (agency === owner.agency.id || !ask.agencyKnown) return notAllowed('권한을 넓힐 수 없는 기관입니다 (no grant for that agency)');
    const rules = this.#extension;
    const radiusM = Math.min(ask.incidentGrant?.radiusM ?? this.#defaults.defaultRadiusM, rules.maxRadiusM);
    const ttl = rules.ttlMs ?? this.#defaults.ttlMs;
    const ttlMs = ask.incidentGrant ? Math.min(ttl, ask.incidentGrant.expiresAt - ask.now) : ttl;
    if (ttlMs <= 0) return new HubError('GRANT_ENDED', '사건의 권한이 이미 끝났습니다 (the incident\'s grant has ended)');
    if (openCount(agency, SHARED_VIEW_SOURCE) >= rules.maxOpen) {
      return new HubError('GRANT_LIMIT_REACHED', `이 기관에 넓힌 권한이 이미 ${rules.maxOpen}건입니다 (${rules.maxOpen} extended grants already open)`);
    }
    return { source: SHARED_VIEW_SOURCE, radiusM, ttlMs, needsApproval: false };
  }

  /** The trusted source a principal speaks as, if any. */
  sourceOf(principal: Principal): GrantSource | undefined {
    return this.#sources.find(
      (s) => s.subject === principal.subject && s.agencies.includes(principal.agency.id) && (s.issuer === undefined || s.issuer === principal.issuer)
    );
  }

  /** The grant an incident may carry, or why it may carry none (a HubError to report, never to throw at the incident). */
  rule(principal: Principal, ask: GrantAsk, context: GrantPolicyContext): GrantRuling | HubError {
    const trusted = this.sourceOf(principal);
    const rules = trusted ?? this.#agencyRules(principal.agency.id);
    const source = trusted?.name ?? AGENCY_SOURCE;
    if (!rules) return notAllowed('이 기관은 사건 권한을 열 수 없습니다 (this agency may not open incident grants)');
    const purpose: Purpose | undefined = principal.purpose;
    if (!purpose || !rules.purposes.includes(purpose)) return notAllowed(`'${purpose ?? '-'}' 목적으로는 사건 권한을 열 수 없습니다 (purpose not allowed for grants)`);
    if (!rules.types.includes(ask.type)) return notAllowed(`'${ask.type}' 사건에는 권한을 열 수 없습니다 (incident type not allowed for grants)`);
    const radiusM = ask.radiusM ?? Math.min(rules.defaultRadiusM ?? this.#defaults.defaultRadiusM, rules.maxRadiusM);
    if (radiusM > rules.maxRadiusM) return notAllowed(`반경은 ${rules.maxRadiusM} m까지입니다 (radius over ${rules.maxRadiusM} m)`);
    const district = context.districtAt(ask.location.lat, ask.location.lon);
    const inJurisdiction = district !== null && (rules.jurisdiction.includes(CITY_WIDE) || rules.jurisdiction.includes(district));
    if (!inJurisdiction) return notAllowed('관할 구역 밖의 현장입니다 (scene outside the jurisdiction)');
    if (context.openCount(principal.agency.id, source) >= rules.maxOpen) {
      return new HubError('GRANT_LIMIT_REACHED', `열린 사건 권한이 이미 ${rules.maxOpen}건입니다 (${rules.maxOpen} grants already open)`);
    }
    return { source, radiusM, ttlMs: rules.ttlMs ?? this.#defaults.ttlMs, needsApproval: trusted === undefined };
  }
}

const notAllowed = (message: string) => new HubError('GRANT_NOT_ALLOWED', message);

/**
 * The bounds of a pursuit's corridor grant (an agency's `pursuits`): while a pursuit is open, the
 * pursuing agency may view the predicted next cameras in any 구 — no request to each district,
 * no supervisor step; the pursuit is the authority and every grant and view is audited with it —
 * but never more than these rules allow.
 */
export const pursuitRulesSchema = z
  .object({
    /** Token purposes that may open (and sight) a pursuit. */
    purposes: z.array(z.enum(PURPOSES)).min(1),
    /** Where a pursuit may start (its first sighting): 구 codes, or `*`. The corridor then follows the target anywhere. */
    jurisdiction: z.array(z.string().min(1).max(16)).min(1),
    /** Cameras the grant holds at once (the last sighting's camera and the top predicted). */
    maxCameras: z.number().int().min(1).max(32),
    /** How far ahead: only cameras the target can reach within this many seconds from now. */
    horizonS: z.number().int().min(10).max(900),
    /**
     * Corridor width: only cameras at most this far either side of the line of travel (the last
     * sighting's position and heading); with no heading known, within this distance of the sighting.
     */
    corridorWidthM: z.number().min(50).max(5000),
    /** Predicted cameras less likely than this are not granted. */
    minProbability: z.number().min(0).max(1).default(0.02),
    /**
     * A camera the moving corridor drops stays granted this long (at most `maxCameras` such at
     * once), so a tile a board chose from the last corridor is not refused while it catches up.
     */
    overlapMs: z.number().int().min(0).max(60_000).default(10_000),
    /** How long a corridor grant lasts unless the pursuit renews it (it does every few seconds while open). */
    ttlMs: z.number().int().min(10_000).max(15 * 60_000),
    /** Pursuits open at once, per agency. */
    maxOpen: z.number().int().min(1).max(100)
  })
  .strict();

export type PursuitRules = z.output<typeof pursuitRulesSchema>;

/** A predicted camera, as the corridor bound sees it (ranked best first by the caller). */
export interface CorridorCandidate {
  cameraId: string;
  location: { lat: number; lon: number };
  probability: number;
  /** Arrival window, seconds after the anchor (the last sighting). */
  etaMinS: number;
  etaMaxS: number;
}

export interface CorridorInput {
  anchor: { lat: number; lon: number; headingDeg: number | null };
  /** Seconds since the anchor. */
  elapsedS: number;
  /** Ranked, best first. */
  predicted: readonly CorridorCandidate[];
  /** Cameras granted first, whatever the prediction says (the last sighting's). */
  pinned: readonly string[];
  /** What the grant holds now: kept while still ranked well, so the corridor does not flicker. */
  held: ReadonlySet<string>;
}

/** A held camera stays while it ranks within this multiple of maxCameras. */
const HOLD_RANK_FACTOR = 1.5;

/**
 * The cameras a pursuit's corridor grant may hold now: pinned first, then predicted cameras that
 * pass every bound (likely enough, reachable within the horizon, window not yet over, inside the
 * corridor's width), those already held kept while they rank within 1.5× the count, the rest
 * by rank — never more than `maxCameras`. Pure.
 */
export function corridorCameras(rules: PursuitRules, input: CorridorInput): string[] {
  const { anchor, elapsedS } = input;
  const eligible = input.predicted.filter(
    (c) =>
      c.probability >= rules.minProbability &&
      c.etaMinS <= elapsedS + rules.horizonS &&
      c.etaMaxS >= elapsedS &&
      offCorridorM(anchor, c.location) <= rules.corridorWidthM
  );
  const chosen = new Set<string>();
  const add = (id: string) => {
    if (chosen.size < rules.maxCameras) chosen.add(id);
  };
  for (const id of input.pinned) add(id);
  const holdRank = Math.floor(rules.maxCameras * HOLD_RANK_FACTOR);
  eligible.slice(0, holdRank).forEach((c) => input.held.has(c.cameraId) && add(c.cameraId));
  for (const c of eligible) add(c.cameraId);
  return [...chosen];
}

/** Metres from the line of travel (either side), or from the anchor when the heading is unknown. */
export function offCorridorM(anchor: CorridorInput['anchor'], point: { lat: number; lon: number }): number {
  const y = (point.lat - anchor.lat) * M_PER_DEG;
  const x = (point.lon - anchor.lon) * M_PER_DEG * Math.cos((anchor.lat * Math.PI) / 180);
  if (anchor.headingDeg === null) return Math.hypot(x, y);
  const h = (anchor.headingDeg * Math.PI) / 180;
  return Math.abs(x * Math.cos(h) - y * Math.sin(h));
}

/**
 * Whether `agency` may open a pursuit for this purpose, starting in this 구 (null: outside the
 * region), with `open` pursuits already open: its rules, or why not (a HubError to throw).
 */
export function rulePursuit(rules: PursuitRules | undefined, ask: { purpose: Purpose | undefined; district: string | null; open: number }): PursuitRules | HubError {
  if (!rules) return notAllowed('이 기관은 추적을 열 수 없습니다 (this agency may not open pursuits)');
  if (!ask.purpose || !rules.purposes.includes(ask.purpose)) return notAllowed(`'${ask.purpose ?? '-'}' 목적으로는 추적을 열 수 없습니다 (purpose not allowed for pursuits)`);
  const inJurisdiction = ask.district !== null && (rules.jurisdiction.includes(CITY_WIDE) || rules.jurisdiction.includes(ask.district));
  if (!inJurisdiction) return notAllowed('관할 구역 밖에서 시작하는 추적입니다 (pursuit starts outside the jurisdiction)');
  if (ask.open >= rules.maxOpen) return new HubError('GRANT_LIMIT_REACHED', `열린 추적이 이미 ${rules.maxOpen}건입니다 (${rules.maxOpen} pursuits already open)`);
  return rules;
}
