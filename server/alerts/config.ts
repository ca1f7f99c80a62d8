/**
 * The alerts domain's configuration (`alerts` in the hub config): the sources trusted to report
 * events and what each may report, the routing rules, the underpass sites with their water
 * thresholds, and the bounds of an alarm's grant. Validated with the rest at start-up; agency
 * names are checked against the policies when the hub composes (server/alerts/compose.ts).
 */
import { z } from 'zod';
import { ALARM_KINDS, ALARM_LEVELS } from '../protocol/alerts.ts';
import { rateSchema } from '../budget.ts';

const district = z.string().min(1).max(16);

/** A source (analytics server, bell controller, SOS service): a trusted issuer bound to kinds and 시군구. */
export const alertSourceSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    issuer: z.string().min(1),
    jwksFile: z.string().min(1),
    kinds: z.array(z.enum(ALARM_KINDS)).min(1),
    /** 시군구 codes, or `*` for the whole region. */
    districts: z.array(district).min(1)
  })
  .strict();
export type AlertSourceConfig = z.infer<typeof alertSourceSchema>;

/** The recipients of `kinds` at `minLevel` or above in `districts`, and when to escalate if nobody acknowledges. */
export const alertRouteSchema = z
  .object({
    kinds: z.array(z.enum(ALARM_KINDS)).min(1),
    minLevel: z.enum(ALARM_LEVELS).default('주의'),
    /** 시군구 codes, or `*`. */
    districts: z.array(district).min(1).default(['*']),
    /** Each agency with its priority (1 = most urgent). */
    to: z.array(z.object({ agency: z.string().min(1).max(64), priority: z.number().int().min(1).max(255) }).strict()).min(1),
    /** Not acknowledged within this many seconds: escalated to `escalateTo`. */
    escalateAfterS: z.number().min(0.1).max(86_400).optional(),
    /** An agency id (it receives the alarm, with its grant), or `supervisor` (the recipients' supervisors). */
    escalateTo: z.string().min(1).max(64).optional()
  })
  .strict()
  .refine((route) => (route.escalateAfterS === undefined) === (route.escalateTo === undefined), 'escalateAfterS and escalateTo go together');
export type AlertRoute = z.infer<typeof alertRouteSchema>;
export type AlertRouteInput = z.input<typeof alertRouteSchema>;

/** An underpass (지하차도) whose water depth a source reports, and the depths at which each level begins. */
export const waterSiteSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/),
    name: z.string().min(1).max(80),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    cameraId: z.string().min(1).max(64).optional(),
    thresholdsCm: z
      .object({ 주의: z.number().min(0), 경계: z.number().min(0), 심각: z.number().min(0) })
      .strict()
      .refine((t) => t.주의 < t.경계 && t.경계 < t.심각, 'thresholdsCm must rise: 주의 < 경계 < 심각')
  })
  .strict();
export type WaterSite = z.infer<typeof waterSiteSchema>;

export const alertsConfigSchema = z
  .object({
    sources: z.array(alertSourceSchema).default([]),
    /** Demo routes are added in development (server/alerts/demo.ts). */
    routes: z.array(alertRouteSchema).default([]),
    waterSites: z.array(waterSiteSchema).default([]),
    /** Events per second one source may send. */
    rate: rateSchema.default({ perSecond: 200, burst: 400 }),
    /** The nearest cameras (besides the source camera) an alarm's grant opens around its latest position. */
    nearestCameras: z.number().int().min(0).max(16).default(6),
    /** An alarm's grant is renewed for this long while the alarm lives (and ends with it). */
    grantTtlS: z.number().int().min(10).max(86_400).default(900),
    /** Fire: the confidence at which 경계 and 심각 begin (below: 주의). */
    fireLevels: z.object({ 경계: z.number().min(0).max(1), 심각: z.number().min(0).max(1) }).strict().default({ 경계: 0.6, 심각: 0.85 })
  })
  .strict()
  .superRefine((alerts, ctx) => {
    const names = new Set<string>();
    for (const source of alerts.sources) {
      if (names.has(source.name) || alerts.sources.filter((s) => s.issuer === source.issuer).length > 1) ctx.addIssue({ code: 'custom', message: `alerts.sources: '${source.name}' shares its name or issuer with another source` });
      names.add(source.name);
    }
    const sites = alerts.waterSites.map((site) => site.id);
    if (new Set(sites).size !== sites.length) ctx.addIssue({ code: 'custom', message: 'alerts.waterSites: a site id is listed twice' });
  });
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
