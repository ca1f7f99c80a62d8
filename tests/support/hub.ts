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
import { CameraFarm } from '../../media/sim/camera-farm.ts';
import type { SimKeyframes } from '../../media/sim/sim-camera.ts';
import { createTestIssuer, userClaims, type TestIssuer } from './tokens.ts';

export { request, type HubClient };


export interface TestHub {
  hub: Hub;
  farm: CameraFarm;
  cameras: RegistryCamera[];
  /**
   * Tokens per test agency: `fire` (city-wide 119), `gangnam` and `mapo` (one district each),
   * `welfare` (nothing but incident grants), `supervisor` (a 119 supervisor).
   */
  token(agency: 'fire' | 'gangnam' | 'mapo' | 'welfare' | 'supervisor', options?: { expiresIn?: string | number; kid?: string }): Promise<string>;
  issuers: { fire: TestIssuer; police: TestIssuer; district: TestIssuer; welfare: TestIssuer };
  client(token: string | undefined): Promise<HubClient>;
  /** Stops the hub and starts a new one on the same data directory and cameras (a new port). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const CODES = Object.keys(DEMO_DISTRICTS) as Array<keyof typeof DEMO_DISTRICTS>;

/** `cameras` simulated cameras spread round-robin over the demo districts (강남, 서초, 마포, 종로). */
export async function startTestHub(options: { cameras: number; config?: HubConfigInput; cameraFps?: number; cameraKeyframes?: SimKeyframes }): Promise<TestHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gth-hub-'));
  const farm = new CameraFarm();
  const clients = new Set<HubClient>();
  let hub: Hub | undefined;
  try {
    const specs = Array.from({ length: options.cameras }, (_, i) => ({
      id: `cam-${CODES[i % CODES.length]}-${String(i + 1).padStart(3, '0')}`,
      name: `테스트 카메라 ${i + 1}`,
      port: 0,
      ...(options.cameraFps ? { fps: options.cameraFps } : {}),
      ...(options.cameraKeyframes ? { keyframes: options.cameraKeyframes } : {})
    }));
    await farm.start(specs);
    const cameras: RegistryCamera[] = specs.map((spec, i) => {
      const code = CODES[i % CODES.length]!;
      return {
        id: spec.id,
        name: spec.name,
        nameEn: `Test camera ${i + 1}`,
        district: { code, ...DEMO_DISTRICTS[code] },
        category: '생활방범',
        location: { lat: 37.5 + i * 0.001, lon: 127 + i * 0.001 },
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

    return {
      get hub() {
        return started;
      },
      farm,
      cameras,
      issuers,
      token: (agency, tokenOptions) => {
        if (agency === 'fire') return issuers.fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119' }), tokenOptions);
        if (agency === 'supervisor') return issuers.fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119', role: 'supervisor', sub: 'chief-119' }), tokenOptions);
        if (agency === 'welfare') return issuers.welfare.sign(userClaims('seoul-welfare', [], { purpose: 'vulnerable-person' }), tokenOptions);
        if (agency === 'gangnam') return issuers.police.sign(userClaims('gangnam-police', ['11680'], { purpose: 'emergency-112' }), tokenOptions);
        return issuers.district.sign(userClaims('mapo-cctv', ['11440'], { purpose: 'monitoring' }), tokenOptions);
      },
      client: (token) => connectClient(started.url, token, (socket) => clients.add(socket)),
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

/** Resolves with the next `event` that matches, or rejects after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: HubClient,
  event: E,
  match: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 15_000
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args);
    };
    socket.on(event, listener as never);
  });
}
