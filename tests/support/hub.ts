/**
 * A real hub for tests: real mediasoup workers, real simulated RTSP cameras, real sockets on
 * port 0, and test issuers for three agencies. close() tears everything down and waits.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { types as ms } from 'mediasoup';
import { loadConfig, type HubConfigInput } from '../../server/config.ts';
import { DEMO_DISTRICTS } from '../../server/cameras/demo.ts';
import type { RegistryCamera } from '../../server/cameras/registry.ts';
import { startHub, type Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/log.ts';
import type { ServerToClientEvents } from '../../server/protocol/events.ts';
import { connectClient, request, type HubClient } from './client.ts';
import { CameraFarm, type SimCodec } from '../../media/sim/camera-farm.ts';
import type { SimKeyframes } from '../../media/sim/sim-camera.ts';
import { createTestIssuer, userClaims, type TestIssuer } from './tokens.ts';

export { request, type HubClient };


export interface TestHub {
  hub: Hub;
  farm: CameraFarm;
  cameras: RegistryCamera[];
  /**
   * Tokens per test agency: `fire` (city-wide 119), `gangnam` and `mapo` (one district each),
   * `welfare` (nothing but incident grants), `supervisor` (a 119 supervisor), `welfare-supervisor`
   * and `gangnam-supervisor` (who approve their agency's grants), `cad-119` (the 119 room's CAD
   * system, a trusted grant source in development), `metrics` (a Prometheus scraper's service
   * token of the 119 room's issuer).
   */
  token(agency: TestAgency, options?: { expiresIn?: string | number; kid?: string }): Promise<string>;
  /** The hub's /metrics text, scraped with a metrics token. */
  metrics(): Promise<string>;
  issuers: { fire: TestIssuer; police: TestIssuer; district: TestIssuer; welfare: TestIssuer };
  client(token: string | undefined): Promise<HubClient>;
  /** The hub's data directory (removed by close()). */
  dataDir: string;
  /** An HTTP API call with the token: GET without a body, POST with one; the answer's JSON. */
  api(path: string, token: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Stops the hub and starts a new one on the same data directory and cameras (a new port). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export type TestAgency = 'fire' | 'gangnam' | 'mapo' | 'welfare' | 'supervisor' | 'welfare-supervisor' | 'gangnam-supervisor' | 'cad-119' | 'metrics';

const CODES = Object.keys(DEMO_DISTRICTS) as Array<keyof typeof DEMO_DISTRICTS>;

/** Where a test camera stands: its 구 and a point inside it. */
export interface TestSite {
  code: keyof typeof DEMO_DISTRICTS;
  lat: number;
  lon: number;
  /** 설치목적구분; default 생활방범 (교통단속 cameras read plates for the LPR simulator). */
  category?: string;
}

/**
 * `cameras` simulated cameras spread round-robin over the demo districts (강남, 서초, 마포, 종로),
 * in a row from 37.5 N 127 E — or at `sites` (one per camera) where a test needs real places;
 * camera i sends `codecs[i]` (default constrained-baseline H.264); every camera keys its stream
 * as `cameraKeyframes` says (default an IDR a second and on request).
 */
export async function startTestHub(options: {
  cameras: number;
  config?: HubConfigInput;
  cameraFps?: number;
  sites?: readonly TestSite[];
  codecs?: readonly SimCodec[];
  cameraKeyframes?: SimKeyframes;
}): Promise<TestHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gth-hub-'));
  const farm = new CameraFarm();
  const clients = new Set<HubClient>();
  let hub: Hub | undefined;
  try {
    const codeOf = (i: number) => options.sites?.[i]?.code ?? CODES[i % CODES.length]!;
    const specs = Array.from({ length: options.cameras }, (_, i) => ({
      id: `cam-${codeOf(i)}-${String(i + 1).padStart(3, '0')}`,
      name: `테스트 카메라 ${i + 1}`,
      port: 0,
      ...(options.cameraFps ? { fps: options.cameraFps } : {}),
      ...(options.codecs?.[i] ? { codec: options.codecs[i] } : {}),
      ...(options.cameraKeyframes ? { keyframes: options.cameraKeyframes } : {})
    }));
    await farm.start(specs);
    const cameras: RegistryCamera[] = specs.map((spec, i) => {
      const code = codeOf(i);
      const site = options.sites?.[i];
      return {
        id: spec.id,
        name: spec.name,
        nameEn: `Test camera ${i + 1}`,
        district: { code, ...DEMO_DISTRICTS[code] },
        category: site?.category ?? '생활방범',
        location: site ? { lat: site.lat, lon: site.lon } : { lat: 37.5 + i * 0.001, lon: 127 + i * 0.001 },
        source: farm.url(spec.id)
      };
    });

    const issuers = {
      fire: await createTestIssuer('https://idp.fire.test', ['seoul-119']),
      police: await createTestIssuer('https://idp.police.test', ['gangnam-police'], 'ES256'),
      district: await createTestIssuer('https://idp.mapo.test', ['mapo-cctv']),
      welfare: await createTestIssuer('https://idp.welfare.test', ['seoul-welfare'])
    };
    const config = loadConfig(
      {},
      {
        http: { host: '127.0.0.1', port: 0 },
        dataDir,
        logLevel: (process.env.GTH_TEST_LOG_LEVEL as 'info' | undefined) ?? 'error',
        simulator: { cameras: 0, basePort: 0 },
        cameras,
        auth: { audience: 'golden-time-hub', issuers: Object.values(issuers).map((i) => i.config), devTokenTtlSec: 3600, reloadIntervalMs: 200 },
        ingest: { idleGraceMs: 500, retryInitialMs: 200, retryMaxMs: 1000 },
        ...options.config
      }
    );
    hub = await startHub(config, { log: createLogger(config.logLevel) });
    let started = hub;
    const token: TestHub['token'] = (agency, tokenOptions) => {
      if (agency === 'fire') return issuers.fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119' }), tokenOptions);
      if (agency === 'supervisor') return issuers.fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119', role: 'supervisor', sub: 'chief-119' }), tokenOptions);
      if (agency === 'cad-119') return issuers.fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119', sub: 'cad-119', name: '119 CAD' }), tokenOptions);
      if (agency === 'welfare-supervisor') return issuers.welfare.sign(userClaims('seoul-welfare', [], { purpose: 'vulnerable-person', role: 'supervisor', sub: 'chief-welfare' }), tokenOptions);
      if (agency === 'gangnam-supervisor') return issuers.police.sign(userClaims('gangnam-police', ['11680'], { purpose: 'emergency-112', role: 'supervisor', sub: 'chief-gangnam' }), tokenOptions);
      if (agency === 'metrics') return issuers.fire.sign(userClaims('seoul-119', [], { role: 'metrics', sub: 'prometheus' }), tokenOptions);
      if (agency === 'welfare') return issuers.welfare.sign(userClaims('seoul-welfare', [], { purpose: 'vulnerable-person' }), tokenOptions);
      if (agency === 'gangnam') return issuers.police.sign(userClaims('gangnam-police', ['11680'], { purpose: 'emergency-112' }), tokenOptions);
      return issuers.district.sign(userClaims('mapo-cctv', ['11440'], { purpose: 'monitoring' }), tokenOptions);
    };

    return {
      get hub() {
        return started;
      },
      farm,
      cameras,
      issuers,
      dataDir,
      token,
      client: (bearer) => connectClient(started.url, bearer, (socket) => clients.add(socket)),
      metrics: async () => {
        const response = await fetch(`${started.url}/metrics`, { headers: { authorization: `Bearer ${await token('metrics')}` } });
        assert.equal(response.status, 200, 'a metrics token reads /metrics');
        return response.text();
      },
      api: async (path, token, body) => {
        const res = await fetch(`${started.url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body)
        });
        return { status: res.status, json: await res.json() };
      },
      restart: async () => {
        for (const socket of clients) socket.disconnect();
        await started.close();
        started = await startHub(config, { log: createLogger(config.logLevel) });
      },
      close: async () => {
        for (const socket of clients) socket.disconnect();
        await started.close();
        await farm.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    };
  } catch (error) {
    await hub?.close();
    await farm.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** join + transport, as a browser does before watching; the router's own capabilities are a valid receiver's for H.264. */
export async function joined(socket: HubClient): Promise<ms.RtpCapabilities> {
  const join = await request(socket, 'media:join', {});
  assert.ok(join.ok, JSON.stringify(join));
  const transport = await request(socket, 'transport:create', {});
  assert.ok(transport.ok, JSON.stringify(transport));
  return join.data.routerRtpCapabilities as ms.RtpCapabilities;
}

/**
 * A wait's bound: not how long the hub may take (a busy machine makes it slow, not wrong) but the
 * point at which a test is taken to hang and ends, saying what it waited for.
 */
export const HANG_BOUND_MS = 120_000;

/**
 * Resolves with the next `event` that matches. Rejects at once if the socket disconnects (the
 * event can no longer come), and after `boundMs` (default: the hang bound) with what was awaited
 * and what came instead. A short `boundMs` is for a check that the event does *not* come.
 */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: HubClient,
  event: E,
  match: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  boundMs = HANG_BOUND_MS
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    let unmatched = 0;
    let last: unknown;
    const fail = (why: string) => {
      finish();
      const seen = unmatched ? `; ${unmatched} other ${event} came, the last ${JSON.stringify(last)?.slice(0, 300)}` : `; no ${event} came at all`;
      reject(new Error(`awaiting ${event} (${describeMatch(match)}): ${why}${seen}`));
    };
    const timer = setTimeout(() => fail(`nothing matching within ${boundMs} ms`), boundMs);
    const onDisconnect = (reason: string) => fail(`the socket disconnected (${reason})`);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!match(...args)) {
        unmatched++;
        last = args;
        return;
      }
      finish();
      resolve(args);
    };
    const finish = () => {
      clearTimeout(timer);
      socket.off(event, listener as never);
      socket.off('disconnect', onDisconnect);
    };
    socket.on(event, listener as never);
    socket.on('disconnect', onDisconnect);
  });
}

/** The predicate's source, shortened: which event a failed wait was for. */
function describeMatch(match: { toString(): string }): string {
  return match.toString().replace(/\s+/g, ' ').slice(0, 160);
}
