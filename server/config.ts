/**
 * Configuration enters here and only here: defaults for one machine, then an optional JSON file
 * (GTH_CONFIG), then environment variables; validated once at start-up. A real deployment sets
 * mode=production, its trusted issuers, its registry, the announced address and a data directory.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DEV_ISSUER } from './auth/dev-issuer.ts';
import { DEV_LPR_ISSUER } from './lpr/sim/dev-system.ts';
import { DEV_ALERTS_ISSUER } from './alerts/sim/dev-source.ts';
import { grantExtensionSchema, grantSourceSchema } from './auth/grant-policy.ts';
import { agencyPolicySchema } from './auth/policy.ts';
import { ALL_INTERFACES } from './web-security.ts';
import { DEMO_CITIES } from './cameras/demo.ts';
import { rateSchema } from './budget.ts';
import { alertsConfigSchema } from './alerts/config.ts';
import { sigunguCodes } from './geo/districts.ts';
import { SIDO } from './geo/sido.ts';

const issuerSchema = z.object({
  issuer: z.string().min(1),
  agencies: z.array(z.string().min(1)).min(1),
  jwksFile: z.string().min(1)
});

/** An LPR system, trusted like an agency's identity provider, for the cameras and/or 구 it may report. */
const lprSystemSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    issuer: z.string().min(1),
    jwksFile: z.string().min(1),
    cameras: z.array(z.string().min(1)).default([]),
    /** 구 codes, or `*` for every camera of the region. */
    districts: z.array(z.string().min(1).max(16)).default([])
  })
  .strict()
  .refine((system) => system.cameras.length + system.districts.length > 0, 'an LPR system needs cameras and/or districts it may report');

const cameraSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  district: z.object({ code: z.string().min(1), name: z.string().min(1), nameEn: z.string().min(1) }),
  category: z.string().min(1),
  location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  source: z.string().regex(/^rtsp:\/\//, 'camera source must be an rtsp:// URL')
});

/** An origin as browsers send it in `Origin`: scheme, host and port, nothing else. */
const originSchema = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value, 'must be an origin such as https://hub.example.kr (scheme, host, optional port; no path)');
/**
 * The deployment's region: a demo city by name, one 시도 by its 2-digit code (all its 시군구), or
 * a list of 5-digit 시군구 codes. Codes are checked against the boundary package at start-up.
 */
export const DEMO_REGIONS = ['seoul', 'gwangju'] as const;
const regionSchema = z.union([
  z.enum(DEMO_REGIONS),
  z.string().regex(/^\d{2}$/, 'region: a 시도 code is 2 digits (e.g. "29")'),
  z.array(z.string().regex(/^\d{5}$/, 'region: 시군구 codes are 5 digits (e.g. "29140")')).min(1)
]);
export type RegionSetting = z.infer<typeof regionSchema>;

const DEFAULT_BUDGETS = { user: { perSecond: 100, burst: 300 }, agency: { perSecond: 400, burst: 1200 } };
/** For benchmarks and fuzzing that measure the handlers themselves, not the budgets. */
export const UNLIMITED_BUDGETS = { user: { perSecond: 1e9, burst: 1e9 }, agency: { perSecond: 1e9, burst: 1e9 } };

export const configSchema = z
  .object({
    mode: z.enum(['development', 'production']).default('development'),
    http: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /**
         * The origins browsers load the pages from (behind a proxy: its https origin). Socket.IO
         * refuses a handshake from any other Origin, and `null`. Default: the hub's own address
         * (with localhost beside 127.0.0.1).
         */
        publicOrigins: z.array(originSchema).min(1).optional(),
        /** Origins of the hub's own that may frame its pages (a wall of walls); none by default. */
        frameAncestors: z.array(originSchema).default([])
      })
      .default({ host: '127.0.0.1', port: 8080, frameAncestors: [] }),
    dataDir: z.string().default('data'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    webrtc: z
      .object({
        /** Where mediasoup listens. Loopback by default: nothing leaves this machine unless told to. */
        listenIp: z.string().default('127.0.0.1'),
        /** The address browsers should reach (a real deployment's LAN or public address). */
        announcedAddress: z.string().optional(),
        /** The most mediasoup workers; the pool starts one and adds the next when it is nearly full. */
        workers: z.number().int().min(1).max(64).default(Math.min(2, availableParallelism())),
        rtcMinPort: z.number().int().min(1024).max(65535).default(40000),
        rtcMaxPort: z.number().int().min(1024).max(65535).default(49999)
      })
      .default({ listenIp: '127.0.0.1', workers: Math.min(2, availableParallelism()), rtcMinPort: 40000, rtcMaxPort: 49999 }),
    auth: z
      .object({
        /** Must be set: jose skips the audience check for an empty one, so tokens minted for any service would pass. */
        audience: z.string().min(1, 'auth.audience must not be empty (tokens for any other service would be accepted)').default('golden-time-hub'),
        issuers: z.array(issuerSchema).default([]),
        /** Lifetime of demo tokens from the development issuer. */
        devTokenTtlSec: z.number().int().min(10).max(86400).default(8 * 3600),
        /** How often the JWKS files are checked for rotated or withdrawn keys. */
        reloadIntervalMs: z.number().int().min(100).default(500),
        /** How far ahead of the hub's clock a token's `iat` may lie (identity providers' clock skew). */
        maxIssuedAtSkewSec: z.number().int().min(0).max(3600).default(60)
      })
      .default({ audience: 'golden-time-hub', issuers: [], devTokenTtlSec: 8 * 3600, reloadIntervalMs: 500, maxIssuedAtSkewSec: 60 }),
    /**
     * `/metrics` for Prometheus. On the hub's port it needs a bearer token whose role is `metrics`;
     * with `listen` it is served there instead, without a token (a scrape network of its own).
     */
    metrics: z
      .object({
        listen: z.object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535) }).strict().optional(),
        /** Label ingest series with the stream's camera or feed name (which cameras are being watched). */
        cameraLabels: z.boolean().default(false),
        /** Label worker CPU with the worker's process id (otherwise its index). */
        workerPids: z.boolean().default(false)
      })
      .strict()
      .default({ cameraLabels: false, workerPids: false }),
    cameras: z.array(cameraSchema).default([]),
    /**
     * Where the hub serves (server/cameras/region.ts): registry rows outside it are skipped, the
     * map, roads and agencies' district scopes are its 시군구. Unset: Seoul, or with registry.csv
     * the 시군구 the file's cameras stand in.
     */
    region: regionSchema.optional(),
    /**
     * The city-scale registry, imported into hub.sqlite at start when missing or stale. In
     * development: the landmark demo cameras plus `synthetic` cameras of the synthetic Seoul
     * registry, all fed by the simulator's pool. In production: a 전국CCTV표준데이터 CSV (`csv`),
     * each camera pulled from `sourceTemplate` with `{id}` replaced by its 카메라ID.
     */
    registry: z
      .object({
        csv: z.string().min(1).optional(),
        /** Synthetic cameras of the region (development only); default the demo city's (Seoul 68,000, Gwangju 10,000) when the simulator runs. */
        synthetic: z.number().int().min(0).max(200_000).optional(),
        seed: z.number().int().default(20240112),
        sourceTemplate: z
          .string()
          .regex(/^rtsp:\/\/.*\{id\}/, 'registry.sourceTemplate must be an rtsp:// URL containing {id}')
          .optional()
      })
      .default({ seed: 20240112 }),
    /** What each agency may view for (purposes) and which camera categories; demo agencies are added in development. */
    agencies: z.array(agencyPolicySchema).default([]),
    grants: z
      .object({
        /** How long an incident grant lasts before it must be renewed. */
        ttlMs: z.number().int().min(1000).default(30 * 60_000),
        defaultRadiusM: z.number().min(50).max(5000).default(300),
        /** Trusted sources (CAD systems, alarm and LPR sources) that mint grants within their own rules; demo ones are added in development. */
        sources: z.array(grantSourceSchema).default([]),
        /** How far the owner of a shared view may extend its incident's grant to a participating agency. */
        extension: grantExtensionSchema.default({ maxRadiusM: 1000, maxOpen: 10 })
      })
      .default({ ttlMs: 30 * 60_000, defaultRadiusM: 300, sources: [], extension: { maxRadiusM: 1000, maxOpen: 10 } }),
    /** Wanted vehicles (server/lpr/): the LPR systems trusted to report plate reads, and what is kept of them. */
    lpr: z
      .object({
        systems: z.array(lprSystemSchema).default([]),
        /** Reads that hit no watchlist entry are deleted this long after they arrive; hits are kept. */
        retainNonHitsSec: z.number().int().min(1).max(86_400).default(300),
        /** Roles that see plates whole, in an agency in the LPR loop (policy `lpr`); everyone else sees `12가****`. */
        plateRoles: z.array(z.enum(['operator', 'supervisor', 'auditor'])).default(['operator', 'supervisor']),
        /** Reads per second one system may send (a batch costs one per read). */
        rate: rateSchema.default({ perSecond: 2000, burst: 4000 })
      })
      .prefault({}),
    /** Pursuits (server/pursuit/): how often an open pursuit re-predicts as time passes (and moves its corridor grant). */
    pursuits: z.object({ predictEveryMs: z.number().int().min(500).max(10_000).default(3000) }).prefault({}),
    /** Alerts (server/alerts/): trusted event sources, routing rules, underpass sites, the alarms' grants. */
    alerts: alertsConfigSchema.prefault({}),
    /** Shared situation views (상황 공유): a snapshot every `snapshotEvery` ops (and `snapshotAfterMs` after the last), and how far behind a rejoin still gets the ops it missed. */
    sharedViews: z
      .object({
        snapshotEvery: z.number().int().min(1).default(100),
        snapshotAfterMs: z.number().int().min(10).default(5000),
        resumeOps: z.number().int().min(0).default(500),
        /** Views one person may hold open at once. */
        maxOpenPerUser: z.number().int().min(1).default(20)
      })
      .default({ snapshotEvery: 100, snapshotAfterMs: 5000, resumeOps: 500, maxOpenPerUser: 20 }),
    simulator: z
      .object({
        /** Simulated RTSP cameras started with the hub (development only). */
        cameras: z.number().int().min(0).max(64).default(16),
        basePort: z.number().int().min(0).max(65535).default(8554)
      })
      .default({ cameras: 16, basePort: 8554 }),
    ingest: z
      .object({
        idleGraceMs: z.number().int().min(0).default(15000),
        /** A dropped camera is retried every `retryFastMs` for the first `retryFastForMs` of the outage… */
        retryFastMs: z.number().int().min(50).default(250),
        retryFastForMs: z.number().int().min(0).default(10_000),
        /** …then with back-off from `retryInitialMs`, doubling up to `retryMaxMs`. */
        retryInitialMs: z.number().int().min(50).default(1000),
        retryMaxMs: z.number().int().min(100).default(10000),
        /** A live camera that sends no RTP for this long is reported `stalled` (noticed within half as long again). */
        stallAfterMs: z.number().int().min(100).default(1000),
        /** RTSP media transport: `udp` straight into mediasoup (no RTP through Node), or `tcp` interleaved. */
        transport: z.enum(['udp', 'tcp']).default('udp'),
        /** Sources pulled over TCP whatever `transport` says: source URL prefixes (a camera or a whole VMS). */
        tcpSources: z.array(z.string().min(1)).default([]),
        /** A UDP ingest that receives nothing for this long falls back to TCP for good. */
        udpFallbackMs: z.number().int().min(200).default(2000)
      })
      .default({ idleGraceMs: 15000, retryFastMs: 250, retryFastForMs: 10_000, retryInitialMs: 1000, retryMaxMs: 10000, stallAfterMs: 1000, transport: 'udp', tcpSources: [], udpFallbackMs: 2000 }),
    signaling: z
      .object({
        maxPayloadBytes: z.number().int().min(1024).default(64 * 1024),
        ratePerSecond: z.number().min(1).default(50),
        rateBurst: z.number().int().min(1).default(100),
        maxWatchesPerSession: z.number().int().min(1).default(32),
        maxSessionsPerUser: z.number().int().min(1).default(16),
        joinTimeoutMs: z.number().int().min(100).default(30_000)
      })
      .default({ maxPayloadBytes: 64 * 1024, ratePerSecond: 50, rateBurst: 100, maxWatchesPerSession: 32, maxSessionsPerUser: 16, joinTimeoutMs: 30_000 }),
    /**
     * What one user and one agency may ask per second, over all their sockets and the HTTP API
     * (server/budget.ts: a request costs 1 unit, a camera search 10 more, a page 1 per 100 cameras).
     */
    budgets: z
      .object({
        user: rateSchema.default(DEFAULT_BUDGETS.user),
        agency: rateSchema.default(DEFAULT_BUDGETS.agency)
      })
      .default(DEFAULT_BUDGETS),
    audit: z
      .object({
        /**
         * Signed checkpoints (seq + head hash) of the audit chain, appended to a file the audit
         * database does not contain, so a cut tail or an older copy of audit.sqlite is caught.
         * Default file: <dataDir>/audit-checkpoints/checkpoints.jsonl; a deployment points it at
         * another disk or a mount of another host.
         */
        checkpoints: z
          .object({
            file: z.string().min(1).optional(),
            /** A checkpoint after this many new records… */
            everyRecords: z.number().int().min(1).default(100),
            /** …or this long after the first record it does not cover yet (and at a clean stop). */
            everyMs: z.number().int().min(100).default(5000)
          })
          .prefault({}),
        /** The hub's Ed25519 checkpoint key (PKCS#8 PEM), made on first start; default <dataDir>/audit-key.pem, public half beside it. */
        keyFile: z.string().min(1).optional(),
        /** Refused handshakes: one auth.refused record per source address and reason per interval, with the count. */
        refusedHandshakes: z
          .object({
            intervalMs: z.number().int().min(100).default(10_000),
            /** Sources counted apart per interval; more are counted together, without an address. */
            maxSources: z.number().int().min(1).default(1000)
          })
          .prefault({})
      })
      .prefault({})
  })
  .superRefine((config, ctx) => {
    if (config.mode === 'production') {
      if (config.auth.issuers.length === 0) ctx.addIssue({ code: 'custom', message: 'production mode needs auth.issuers' });
      if (config.simulator.cameras > 0) ctx.addIssue({ code: 'custom', message: 'production mode does not run simulated cameras (set simulator.cameras to 0)' });
      if (config.registry.synthetic) ctx.addIssue({ code: 'custom', message: 'production mode does not load the synthetic registry (set registry.synthetic to 0)' });
      if (config.registry.csv && !config.registry.sourceTemplate) ctx.addIssue({ code: 'custom', message: 'registry.csv in production needs registry.sourceTemplate (where each camera is pulled from)' });
      if (config.lpr.systems.some((system) => system.issuer === DEV_LPR_ISSUER)) {
        ctx.addIssue({ code: 'custom', message: `production mode does not trust the development LPR system (${DEV_LPR_ISSUER}): anyone with its data directory can sign plate reads` });
      }
      if (config.alerts.sources.some((source) => source.issuer === DEV_ALERTS_ISSUER)) {
        ctx.addIssue({ code: 'custom', message: `production mode does not trust the development alert source (${DEV_ALERTS_ISSUER}): anyone with its data directory can sign events` });
      }
      if (config.auth.issuers.some((i) => i.issuer === DEV_ISSUER)) {
        ctx.addIssue({ code: 'custom', message: `production mode does not trust the development issuer (${DEV_ISSUER}): anyone with its data directory can mint tokens` });
      }
      if (ALL_INTERFACES.has(config.webrtc.listenIp) && !config.webrtc.announcedAddress) {
        ctx.addIssue({ code: 'custom', message: `webrtc.listenIp ${config.webrtc.listenIp} needs webrtc.announcedAddress (GTH_ANNOUNCED_ADDRESS): browsers cannot reach "all interfaces"` });
      }
      if (ALL_INTERFACES.has(config.http.host) && !config.http.publicOrigins) {
        ctx.addIssue({ code: 'custom', message: `http.host ${config.http.host} needs http.publicOrigins (GTH_PUBLIC_ORIGINS): the origins browsers load the pages from, the only ones whose sockets are accepted` });
      }
    }
    if (config.registry.csv && config.registry.synthetic) {
      ctx.addIssue({ code: 'custom', message: 'registry.csv and registry.synthetic exclude each other: choose one' });
    }
    if (config.registry.synthetic && config.simulator.cameras === 0) {
      ctx.addIssue({ code: 'custom', message: 'registry.synthetic needs simulated feeds (simulator.cameras > 0)' });
    }
    if (config.registry.csv && !config.registry.sourceTemplate && config.simulator.cameras === 0) {
      ctx.addIssue({ code: 'custom', message: 'registry.csv needs registry.sourceTemplate or simulated feeds (simulator.cameras > 0)' });
    }
    for (const system of config.lpr.systems) {
      if (config.lpr.systems.filter((s) => s.name === system.name || s.issuer === system.issuer).length > 1) ctx.addIssue({ code: 'custom', message: `lpr.systems: '${system.name}' shares its name or issuer with another system` });
    }
    for (const source of config.grants.sources) {
      if (config.grants.sources.filter((s) => s.name === source.name).length > 1) ctx.addIssue({ code: 'custom', message: `grants.sources: '${source.name}' is listed twice` });
    }
    const region = config.region;
    if (typeof region === 'string' && /^\d{2}$/.test(region) && !SIDO.has(region)) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `no 시도 has the code ${region} (known: ${[...SIDO.keys()].join(', ')})` });
    }
    if (Array.isArray(region)) {
      const known = new Set(sigunguCodes());
      const unknown = region.filter((c) => !known.has(c));
      if (unknown.length) ctx.addIssue({ code: 'custom', path: ['region'], message: `no 시군구 boundary for code(s) ${unknown.join(', ')}` });
    }
    if (config.webrtc.rtcMinPort > config.webrtc.rtcMaxPort) ctx.addIssue({ code: 'custom', message: 'webrtc.rtcMinPort > rtcMaxPort' });
  });

export type HubConfig = z.infer<typeof configSchema>;
export type HubConfigInput = z.input<typeof configSchema>;

/** Environment variables and the config keys they set. */
const ENV: Record<string, (input: Record<string, unknown>, value: string) => void> = {
  GTH_MODE: (c, v) => (c.mode = v),
  GTH_HOST: (c, v) => (section(c, 'http').host = v),
  GTH_PORT: (c, v) => (section(c, 'http').port = Number(v)),
  GTH_DATA_DIR: (c, v) => (c.dataDir = v),
  GTH_LOG_LEVEL: (c, v) => (c.logLevel = v),
  GTH_LISTEN_IP: (c, v) => (section(c, 'webrtc').listenIp = v),
  GTH_ANNOUNCED_ADDRESS: (c, v) => (section(c, 'webrtc').announcedAddress = v),
  GTH_PUBLIC_ORIGINS: (c, v) => (section(c, 'http').publicOrigins = v.split(',').map((o) => o.trim())),
  GTH_WORKERS: (c, v) => (section(c, 'webrtc').workers = Number(v)),
  GTH_INGEST_TRANSPORT: (c, v) => (section(c, 'ingest').transport = v),
  GTH_SIM_CAMERAS: (c, v) => (section(c, 'simulator').cameras = Number(v)),
  GTH_SIM_BASE_PORT: (c, v) => (section(c, 'simulator').basePort = Number(v)),
  GTH_REGION: (c, v) => (c.region = /^\d{5}(,\s*\d{5})*$/.test(v) ? v.split(/,\s*/) : v),
  GTH_REGISTRY_CSV: (c, v) => (section(c, 'registry').csv = v),
  GTH_REGISTRY_SYNTHETIC: (c, v) => (section(c, 'registry').synthetic = Number(v)),
  GTH_REGISTRY_SEED: (c, v) => (section(c, 'registry').seed = Number(v)),
  GTH_REGISTRY_SOURCE_TEMPLATE: (c, v) => (section(c, 'registry').sourceTemplate = v),
  GTH_AUDIT_CHECKPOINTS: (c, v) => (section(section(c, 'audit'), 'checkpoints').file = v),
  GTH_AUDIT_KEY: (c, v) => (section(c, 'audit').keyFile = v)
};

function section(input: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = input[key];
  if (value && typeof value === 'object') return value as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  input[key] = created;
  return created;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: HubConfigInput = {}): HubConfig {
  let input: Record<string, unknown> = {};
  const file = env.GTH_CONFIG;
  if (file) {
    try {
      input = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`cannot read config file ${file}: ${(error as Error).message}`);
    }
  }
  for (const [name, apply] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(input, value);
  }
  input = { ...input, ...overrides };
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(config)'}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  const data = parsed.data;
  const registry = data.registry.csv ? { ...data.registry, csv: resolve(data.registry.csv) } : data.registry;
  return { ...data, registry, dataDir: resolve(data.dataDir) };
}

/** The audit trail's three files: the chain (SQLite), its checkpoints, and the key that signs them. */
export function auditFiles(config: HubConfig): { log: string; checkpoints: string; key: string } {
  return {
    log: join(config.dataDir, 'audit.sqlite'),
    checkpoints: resolve(config.audit.checkpoints.file ?? join(config.dataDir, 'audit-checkpoints', 'checkpoints.jsonl')),
    key: resolve(config.audit.keyFile ?? join(config.dataDir, 'audit-key.pem'))
  };
}

/** The region's 시군구 codes (sorted), or 'infer' (from the registry CSV) when none is configured with a CSV. */
export function regionCodes(config: HubConfig): readonly string[] | 'infer' {
  const region = config.region;
  if (region === undefined && config.registry.csv) return 'infer';
  if (Array.isArray(region)) return [...new Set(region)].sort();
  const sido = region === undefined ? DEMO_CITIES.seoul.sido : (DEMO_CITIES[region as keyof typeof DEMO_CITIES]?.sido ?? region);
  return sigunguCodes().filter((c) => c.startsWith(sido));
}

/** The demo city a set of 시군구 lies in (all of them in its 시도), if any. */
export function demoCityOf(codes: readonly string[] | 'infer'): (typeof DEMO_CITIES)[keyof typeof DEMO_CITIES] | undefined {
  if (codes === 'infer' || codes.length === 0) return undefined;
  return Object.values(DEMO_CITIES).find((city) => codes.every((c) => c.startsWith(city.sido)));
}

/** Where the city-scale registry comes from, once defaults are applied (see `registry` above). */
export type RegistrySource =
  | { kind: 'none' }
  | { kind: 'synthetic'; total: number; seed: number; region: readonly string[] }
  | { kind: 'csv'; file: string; sourceTemplate: string | undefined; region: readonly string[] | 'infer' };

export function registrySource(config: HubConfig): RegistrySource {
  const { csv, synthetic, seed, sourceTemplate } = config.registry;
  const region = regionCodes(config);
  if (csv) return { kind: 'csv', file: csv, sourceTemplate, region };
  if (region === 'infer') return { kind: 'none' };
  // Synthetic cameras are only watchable through the simulator's feeds; by default the demo city's count.
  const total = synthetic ?? (config.mode === 'development' && config.simulator.cameras > 0 ? (demoCityOf(region)?.syntheticCameras ?? 0) : 0);
  return total > 0 && config.simulator.cameras > 0 ? { kind: 'synthetic', total, seed, region } : { kind: 'none' };
}
