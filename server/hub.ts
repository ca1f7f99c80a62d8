/**
 * Composes the hub from its parts and shuts it down in reverse order. The Hub owns the camera
 * simulator (when it starts one), the worker pool, the camera streams, the HTTP server and the
 * signaling server; close() releases every one of them.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { apiRoutes } from './api.ts';
import { AuditLog, type AuditInput } from './audit/log.ts';
import { AuditWriter } from './audit/writer.ts';
import { openDevIssuer, type DevIssuer } from './auth/dev-issuer.ts';
import { TrustedIssuers } from './auth/issuers.ts';
import { AgencyPolicies } from './auth/policy.ts';
import { CameraIndex } from './geo/camera-index.ts';
import { GeoService } from './geo/service.ts';
import type { Principal } from './auth/principal.ts';
import { Revocations } from './auth/revocations.ts';
import { verifyToken } from './auth/tokens.ts';
import { openDb } from './db.ts';
import { DispatchStore } from './incidents/dispatch-store.ts';
import { Incidents } from './incidents/incidents.ts';
import { HubError } from './protocol/errors.ts';
import { DEMO_AGENCIES, demoCameras } from './cameras/demo.ts';
import { CameraDirectory } from './cameras/directory.ts';
import { CameraRegistry, type RegistryCamera } from './cameras/registry.ts';
import { ScopeIndex } from './cameras/scope-index.ts';
import { VisibleSets } from './cameras/visible-sets.ts';
import { registrySource, type HubConfig } from './config.ts';
import { feedFor, feedNames, type SimulatedFeed } from './cameras/feeds.ts';
import { loadRegistry, toRegistryCameras } from './cameras/load.ts';
import { Budget } from './budget.ts';
import { EventLoopDelay } from './event-loop.ts';
import { createHttpServer } from './http.ts';
import { createLogger, type Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { attachSignaling } from './signaling/server.ts';
import { Backoff } from '../media/ingest/backoff.ts';
import { INGEST_STATES } from '../media/camera-stream.ts';
import { CameraStreams } from '../media/camera-streams.ts';
import { WorkerPool } from '../media/workers.ts';
import { startSimulatorProcess } from '../media/sim/process.ts';

export interface Hub {
  url: string;
  port: number;
  registry: CameraRegistry;
  /** How the city-scale registry came in at this start: imported (first start, source changed) or read from SQLite. */
  registryLoad: { source: string; imported: boolean; cameras: number; ms: number };
  streams: CameraStreams;
  devIssuer: DevIssuer | undefined;
  metrics: Metrics;
  /** The audit trail as auditors read it. */
  audit: AuditLog;
  /** Where the hub's records are written (in a thread of its own): `flush()` waits until every record given so far is stored. */
  auditWriter: AuditWriter;
  incidents: Incidents;
  issuers: TrustedIssuers;
  /** Live viewer sessions (for tests and metrics). */
  viewers(): number;
  close(): Promise<void>;
}

export interface HubParts {
  log?: Logger;
  /** Where the built web app lives (default build/web). */
  webDir?: string;
  /**
   * Build the road network before listening (≈0.3 s at start) rather than inside the first
   * incident's request, which would hold the event loop that long (npm start does; tests that
   * never route need not).
   */
  warm?: boolean;
}

export async function startHub(config: HubConfig, parts: HubParts = {}): Promise<Hub> {
  const log = parts.log ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        log.warn('error while closing', { error: (error as Error).message });
      }
    }
    closers.length = 0;
  };

  try {
    const development = config.mode === 'development';
    mkdirSync(config.dataDir, { recursive: true });
    const devIssuer = development ? await openDevIssuer(config.dataDir, DEMO_AGENCIES) : undefined;
    const issuers = await TrustedIssuers.load([...config.auth.issuers, ...(devIssuer ? [devIssuer.config] : [])]);
    closers.push(() => issuers.close());
    const policies = new AgencyPolicies([...(development ? DEMO_AGENCIES : []), ...config.agencies]);

    const dbFile = join(config.dataDir, 'hub.sqlite');
    const db = openDb(dbFile);
    closers.push(() => {
      db.close();
    });
    // Written in a thread of its own (a flush to disk must not hold the loop that relays RTP), which
    // starts while the registry loads; read here.
    const auditFile = join(config.dataDir, 'audit.sqlite');
    const auditOpening = AuditWriter.open(auditFile, (error, input) => log.error('audit write failed', { action: input.action, error: error.message }));
    // Handled here at once (start-up awaits it below and fails there; closing skips a writer that never opened).
    const auditOpened = auditOpening.catch(() => undefined);
    closers.push(async () => (await auditOpened)?.close());
    const revocations = new Revocations(db);
    const incidents = new Incidents(db, { grantTtlMs: config.grants.ttlMs, defaultRadiusM: config.grants.defaultRadiusM });
    closers.push(() => incidents.dispose());
    const authenticate = async (token: unknown): Promise<Principal> => {
      const principal = await verifyToken(token, { issuers: issuers.map, audience: config.auth.audience });
      if (revocations.isRevoked(principal)) throw new HubError('TOKEN_REVOKED', '사용이 중지된 사용자입니다 (access revoked)');
      return principal;
    };

    const cameras: RegistryCamera[] = [...config.cameras];
    const source = registrySource(config);
    // The simulator starts in its own process while the registry is read or imported here.
    const feedSpecs = development ? feedNames(config.simulator.cameras).map((name, i) => ({
      id: name,
      name: `모의 영상 ${name} (simulated feed)`,
      port: config.simulator.basePort === 0 ? 0 : config.simulator.basePort + i
    })) : [];
    if (feedSpecs.length > 0) log.info('starting simulated feeds', { count: feedSpecs.length });
    const starting = feedSpecs.length > 0 ? startSimulatorProcess(feedSpecs) : undefined;
    closers.push(async () => (await starting?.catch(() => undefined))?.close());
    const loaded = loadRegistry(db, dbFile, source);
    const registryLoad = { source: source.kind, imported: loaded.imported, cameras: loaded.cameras.length, ms: Math.round(loaded.ms) };
    log.info(loaded.imported ? 'registry imported' : 'registry loaded', registryLoad);
    const simulator = await starting;
    const feeds: SimulatedFeed[] = feedSpecs.map((spec) => ({ name: spec.id, url: simulator!.urls.get(spec.id)! }));
    if (feeds.length > 0) {
      const landmarks = demoCameras(feeds.length, (i) => feedFor(feeds, i).url);
      cameras.push(...landmarks.map((camera, i) => ({ ...camera, simulatedFeed: feedFor(feeds, i).name })));
    }
    const template = source.kind === 'csv' ? source.sourceTemplate : undefined;
    cameras.push(
      ...toRegistryCameras(loaded.cameras, (camera) => {
        if (template) return { source: template.replaceAll('{id}', encodeURIComponent(camera.id)) };
        const feed = feedFor(feeds, camera);
        return { source: feed.url, simulatedFeed: feed.name };
      })
    );
    const registry = new CameraRegistry(cameras);
    const auditWriter = await auditOpening;
    const audit = AuditLog.open(auditFile, { readonly: true });
    closers.push(() => audit.close());

    const pool = await WorkerPool.create({
      size: config.webrtc.workers,
      rtcMinPort: config.webrtc.rtcMinPort,
      rtcMaxPort: config.webrtc.rtcMaxPort,
      log,
      onWorkerDied: () => {
        // Without its worker the hub would accept viewers it cannot serve: stop and let the supervisor restart us.
        log.error('a mediasoup worker died; shutting down');
        void close().then(() => process.exit(1));
      }
    });
    closers.push(() => pool.close());

    const streams = new CameraStreams({
      pool,
      listenIp: config.webrtc.listenIp,
      idleGraceMs: config.ingest.idleGraceMs,
      stallAfterMs: config.ingest.stallAfterMs,
      backoff: new Backoff({
        initialMs: config.ingest.retryInitialMs,
        maxMs: config.ingest.retryMaxMs,
        fastMs: config.ingest.retryFastMs,
        fastForMs: config.ingest.retryFastForMs,
        jitter: 0.2
      }),
      log
    });
    closers.push(() => streams.close());
    // Labelled by the ingest's name (simulated feed, or the first camera's id), never its URL.
    streams.observer.on('state', (stream, state) => {
      for (const s of INGEST_STATES) {
        metrics.set('gth_ingest_state', 'Ingest state per running camera stream (1 = current state)', { stream, state: s }, s === state ? 1 : 0);
      }
    });
    streams.observer.on('stream:open', () => metrics.inc('gth_ingest_starts_total', 'Camera ingests started'));
    streams.observer.on('stream:close', (stream) => {
      for (const s of INGEST_STATES) metrics.remove('gth_ingest_state', { stream, state: s });
    });

    // One spatial index for geo answers and grant look-ups; scope is applied through ScopeIndex, cached per principal.
    const registryCameras = [...registry.all()];
    const spatial = new CameraIndex(registryCameras);
    const visibleSets = new VisibleSets(new ScopeIndex(registryCameras, spatial), { policies, grants: (agency) => incidents.grantsOf(agency) });
    const visible = (principal: Principal) => visibleSets.of(principal);
    const directory = new CameraDirectory(registryCameras);
    const geo = new GeoService(registryCameras, { records: new DispatchStore(db), index: spatial });
    incidents.on('incident:closed', (incident) => geo.endDispatch(incident.id));

    // Records that gate nothing (sessions, incidents, grants): written with the writer's next group.
    const record = (input: AuditInput) => auditWriter.record(input);
    const budget = new Budget(config.budgets);
    const loopDelay = new EventLoopDelay();
    closers.push(() => loopDelay.close());
    const http = await createHttpServer({
      log,
      metrics,
      webDir: parts.webDir ?? join(process.cwd(), 'build', 'web'),
      dev: devIssuer ? { issuer: devIssuer, agencies: DEMO_AGENCIES, audience: config.auth.audience, ttlSec: config.auth.devTokenTtlSec } : undefined,
      authenticate,
      budget,
      routes: apiRoutes({
        incidents,
        audit,
        auditWriter,
        revocations,
        afterRevocation: () => signaling.reverify(),
        geo,
        visible,
        dispatchChanged: (agency, incidentId) => signaling.dispatchChanged(agency, (principal) => geo.dispatch(incidentId, visible(principal).includes))
      }),
      beforeMetrics: async () => {
        metrics.set('gth_camera_streams', 'Running camera ingests', {}, streams.running);
        metrics.set('gth_registry_cameras', 'Cameras in the registry', {}, registry.size);
        metrics.set('gth_consumers', 'Pictures being sent to browsers (mediasoup consumers)', {}, signaling.consumers());
        const delay = loopDelay.take();
        const help = 'Event-loop delay since the previous scrape, ms (the loop also relays camera RTP)';
        for (const [quantile, value] of [['0.5', delay.p50], ['0.99', delay.p99], ['max', delay.max]] as const) metrics.set('gth_event_loop_delay_ms', help, { quantile }, value);
        metrics.set('gth_event_loop_delay_window_seconds', 'Length of the window gth_event_loop_delay_ms covers', {}, delay.windowMs / 1000);
        for (const worker of await pool.usage()) {
          metrics.set('gth_worker_cpu_ms', 'mediasoup worker CPU time (user+system, ms)', { pid: String(worker.pid) }, worker.cpuMs);
        }
      }
    });

    const signaling = attachSignaling(http, {
      verify: authenticate,
      audit: auditWriter,
      record,
      viewerDeps: {
        policies,
        grants: (agency) => incidents.grantsOf(agency),
        incident: (agency, incidentId) => incidents.visibleTo(agency, incidentId),
        registry,
        directory,
        visible,
        streams,
        pool,
        listenIp: config.webrtc.listenIp,
        announcedAddress: config.webrtc.announcedAddress,
        maxWatches: config.signaling.maxWatchesPerSession
      },
      log,
      metrics,
      rate: { perSecond: config.signaling.ratePerSecond, burst: config.signaling.rateBurst },
      budget,
      maxPayloadBytes: config.signaling.maxPayloadBytes,
      joinTimeoutMs: config.signaling.joinTimeoutMs,
      maxSessionsPerUser: config.signaling.maxSessionsPerUser
    });
    closers.push(async () => {
      // Socket.IO closes the HTTP server with it; idle keep-alive connections would hold that up.
      const closed = signaling.close();
      http.closeAllConnections();
      await closed;
    });

    // Grants and keys change while people watch: every open view is re-decided at once.
    incidents.on('grant:issued', (grant) => signaling.camerasChanged(grant.agency));
    incidents.on('grant:issued', (grant, incident) => record({ action: 'grant.issued', outcome: 'allowed', agency: grant.agency, incidentId: incident.id, subject: incident.openedBy, purpose: incident.purpose, detail: { grantId: grant.id, radiusM: grant.radiusM, expiresAt: grant.expiresAt } }));
    incidents.on('grant:renewed', (grant, incident) => record({ action: 'grant.renewed', outcome: 'info', agency: grant.agency, incidentId: incident.id, detail: { grantId: grant.id, expiresAt: grant.expiresAt } }));
    incidents.on('incident:opened', (incident) => record({ action: 'incident.opened', outcome: 'info', agency: incident.agency, subject: incident.openedBy, incidentId: incident.id, purpose: incident.purpose, detail: { type: incident.type, location: incident.location } }));
    incidents.on('incident:closed', (incident) => record({ action: 'incident.closed', outcome: 'info', agency: incident.agency, incidentId: incident.id }));
    // Views opened for an incident end with it (before its grants end, so they say INCIDENT_CLOSED).
    incidents.on('incident:closed', (incident) => signaling.incidentClosed(incident.id));
    // Every operator of the agency keeps the same incident list.
    incidents.on('incident:opened', (incident) => signaling.incidentsChanged(incident.agency, { change: 'opened', incident }));
    incidents.on('grant:renewed', (_grant, incident) => signaling.incidentsChanged(incident.agency, { change: 'renewed', incident }));
    incidents.on('incident:closed', (incident) => signaling.incidentsChanged(incident.agency, { change: 'closed', incident }));
    incidents.on('grant:ended', (grant, reason) => {
      record({ action: 'grant.ended', outcome: 'info', agency: grant.agency, incidentId: grant.incidentId, detail: { grantId: grant.id, reason } });
      signaling.reevaluate();
    });
    issuers.onReload(() => {
      record({ action: 'issuers.reloaded', outcome: 'info', detail: { issuers: issuers.map.size } });
      void signaling.reverify();
    });
    issuers.watch(config.auth.reloadIntervalMs);
    const onHangup = () => void issuers.reload();
    process.on('SIGHUP', onHangup);
    closers.push(() => {
      process.off('SIGHUP', onHangup);
    });

    if (parts.warm) geo.warm();
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.http.port, config.http.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const port = (http.address() as AddressInfo).port;
    const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    log.info('hub listening', { url, mode: config.mode, cameras: registry.size });

    return { url, port, registry, registryLoad, streams, devIssuer, metrics, audit, auditWriter, incidents, issuers, viewers: () => signaling.viewers(), close };
  } catch (error) {
    await close();
    throw error;
  }
}
