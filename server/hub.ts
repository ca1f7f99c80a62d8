/**
 * Composes the hub from its parts and shuts it down in reverse order. The Hub owns the camera
 * simulator (when it starts one), the worker pool, the camera streams, the HTTP server and the
 * signaling server; close() releases every one of them.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { apiRoutes } from './api.ts';
import { AuditLog, type AuditInput } from './audit/log.ts';
import { AuditWriter } from './audit/writer.ts';
import { RefusalTally } from './audit/refusal-tally.ts';
import { devIssuerKeys, openDevIssuer, type DevIssuer } from './auth/dev-issuer.ts';
import { TrustedIssuers } from './auth/issuers.ts';
import { GrantPolicy } from './auth/grant-policy.ts';
import { AgencyPolicies } from './auth/policy.ts';
import { CameraIndex } from './geo/camera-index.ts';
import { GeoService } from './geo/service.ts';
import type { Principal } from './auth/principal.ts';
import { Revocations } from './auth/revocations.ts';
import { verifyToken } from './auth/tokens.ts';
import { openDb } from './db.ts';
import { DispatchStore } from './incidents/dispatch-store.ts';
import { grantRoutes } from './incidents/grant-routes.ts';
import { GrantViews } from './incidents/grant-views.ts';
import { Incidents } from './incidents/incidents.ts';
import { grantOwner } from './incidents/grants.ts';
import type { GrantRecord, GrantsChangedEvent } from './protocol/grants.ts';
import { HubError } from './protocol/errors.ts';
import { DEMO_CITIES, demoCameras, demoLprCameras } from './cameras/demo.ts';
import { CameraDirectory } from './cameras/directory.ts';
import { CameraRegistry, toCameraInfo, type RegistryCamera } from './cameras/registry.ts';
import { ScopeIndex } from './cameras/scope-index.ts';
import { VisibleSets } from './cameras/visible-sets.ts';
import { auditFiles, demoCityOf, regionCodes, registrySource, type HubConfig } from './config.ts';
import { districtSet, regionName, seoulDistrictSet } from './geo/districts.ts';
import { feedFor, feedNames, type SimulatedFeed } from './cameras/feeds.ts';
import { loadRegistry, toRegistryCameras } from './cameras/load.ts';
import { Budget } from './budget.ts';
import { EventLoopDelay } from './event-loop.ts';
import { createHttpServer, createMetricsServer, type HttpOptions } from './http.ts';
import type { StartupSummary } from './startup.ts';
import { createLogger, type Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { reportIngests, reportWorkers } from './hub-metrics.ts';
import { attachSignaling } from './signaling/server.ts';
import { composePursuits } from './pursuit/compose.ts';
import { PursuitPredictor } from './pursuit/prediction.ts';
import type { Pursuits } from './pursuit/pursuits.ts';
import { Lpr } from './lpr/lpr.ts';
import { lprRoutes, lprSourceRoutes } from './lpr/routes.ts';
import { LprSystems } from './lpr/systems.ts';
import { openDevLprSystem } from './lpr/sim/dev-system.ts';
import { LPR_CATEGORY, type VehicleWorld } from './lpr/sim/vehicle.ts';
import { roomPublisher, sharedViewDomain } from './shared-views/socket.ts';
import { alarmDomain } from './alerts/socket.ts';
import { composeAlerts } from './alerts/compose.ts';
import { DEMO_ALERTS, withDemoAlerts } from './alerts/demo.ts';
import { openDevAlertSource, type AlertSigner } from './alerts/sim/dev-source.ts';
import { loadAlertSources } from './alerts/sources.ts';
import type { Alarms } from './alerts/alarms.ts';
import { SharedViewStore } from './shared-views/store.ts';
import { SharedViews } from './shared-views/views.ts';
import { originAllowed, ownOrigins, securityHeaders } from './web-security.ts';
import { Backoff } from '../media/ingest/backoff.ts';
import { CameraStreams } from '../media/camera-streams.ts';
import { WorkerPool } from '../media/workers.ts';
import { startSimulatorProcess } from '../media/sim/process.ts';

export interface Hub {
  url: string;
  port: number;
  /** Where /metrics is served when it has an address of its own (config `metrics.listen`). */
  metricsUrl: string | undefined;
  registry: CameraRegistry;
  /** How the city-scale registry came in at this start: imported (first start, source changed) or read from SQLite. */
  registryLoad: { source: string; imported: boolean; cameras: number; ms: number };
  /** What this start loaded, as the banner and `/healthz` say it. */
  startup: StartupSummary;
  streams: CameraStreams;
  devIssuer: DevIssuer | undefined;
  metrics: Metrics;
  /** The audit trail as auditors read it. */
  audit: AuditLog;
  /** Where the hub's records are written (in a thread of its own): `flush()` waits until every record given so far is stored. */
  auditWriter: AuditWriter;
  incidents: Incidents;
  issuers: TrustedIssuers;
  /** Wanted vehicles: plate reads, the watchlist, `'hit'` events. */
  lpr: Lpr;
  /** What the vehicle simulator drives on and signs with (development only). */
  vehicleWorld: VehicleWorld | undefined;
  pursuits: Pursuits;
  alarms: Alarms;
  /** The development alert source (simulators, tests, the bench sign with it). */
  alertSigner: AlertSigner | undefined;
  /** Live viewer sessions (for tests and metrics). */
  viewers(): number;
  close(): Promise<void>;
}

export interface HubParts {
  log?: Logger;
  /** Where the built web app lives (default build/web). */
  webDir?: string;
  /**
   * Build the road network and the 구 boundaries before listening (≈0.3 + 0.5 s at start) rather than inside the first
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
    const dbFile = join(config.dataDir, 'hub.sqlite');
    const db = openDb(dbFile);
    closers.push(() => {
      db.close();
    });
    // Written in a thread of its own (a flush to disk must not hold the loop that relays RTP), which
    // also checkpoints the chain and starts while the registry loads; read here. Before anything is
    // appended, a log that falls short of its latest checkpoint makes the opening, and the start, fail.
    const auditAt = auditFiles(config);
    const auditOpening = AuditWriter.open({
      file: auditAt.log,
      checkpoints: { file: auditAt.checkpoints, keyFile: auditAt.key, everyRecords: config.audit.checkpoints.everyRecords, everyMs: config.audit.checkpoints.everyMs },
      onError: (error, input) => log.error('audit write failed', { action: input.action, error: error.message }),
      onCheckpointError: (message) => log.error('audit checkpoint not stored', { file: auditAt.checkpoints, error: message })
    });
    // Handled here at once (start-up awaits it below and fails there; closing skips a writer that never opened).
    const auditOpened = auditOpening.catch(() => undefined);
    closers.push(async () => (await auditOpened)?.close());
    const revocations = new Revocations(db);
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
    // The region: configured, or the 시군구 the CSV's cameras stand in (Seoul when nothing says).
    const configured = regionCodes(config);
    const region = districtSet(configured === 'infer' ? (loaded.region ?? seoulDistrictSet().codes) : configured);
    const city = demoCityOf(region.codes);
    const demoAgencies = development ? (city ?? DEMO_CITIES.seoul).agencies : [];
    log.info('region', { name: regionName(region), districts: region.codes.length, inferred: configured === 'infer', demoCity: city?.id ?? null });

    const devIssuer = development ? await openDevIssuer(config.dataDir, demoAgencies) : undefined;
    const devLpr = development ? await openDevLprSystem(config.dataDir, config.auth.audience) : undefined;
    const devAlerts = development ? await openDevAlertSource(config.dataDir, config.auth.audience) : undefined;
    // Production trusts no key the development issuer, LPR system or alert source signs with, under whatever issuer name.
    const forbiddenKeys = development ? undefined : await devIssuerKeys(config.dataDir, [...config.auth.issuers, ...config.lpr.systems, ...config.alerts.sources].map((i) => i.jwksFile));
    const issuers = await TrustedIssuers.load([...config.auth.issuers, ...(devIssuer ? [devIssuer.config] : [])], { forbiddenKeys });
    closers.push(() => issuers.close());
    const lprSystems = await LprSystems.load([...config.lpr.systems, ...(devLpr ? [devLpr.config] : [])], {
      audience: config.auth.audience,
      checks: { forbiddenKeys },
      reloadIntervalMs: config.auth.reloadIntervalMs
    });
    closers.push(() => lprSystems.close());
    const alertSources = await loadAlertSources([...config.alerts.sources, ...(devAlerts ? [devAlerts.config] : [])], {
      audience: config.auth.audience,
      checks: { forbiddenKeys },
      reloadIntervalMs: config.auth.reloadIntervalMs
    });
    closers.push(() => alertSources.close());
    const policies = new AgencyPolicies([...demoAgencies, ...config.agencies]);
    const grantSources = [...(development ? (city ?? DEMO_CITIES.seoul).grantSources : []), ...config.grants.sources];
    for (const source of grantSources) {
      const unknown = source.agencies.filter((agency) => !policies.get(agency));
      if (unknown.length > 0) throw new Error(`invalid configuration: grants.sources '${source.name}' names agencies without a policy: ${unknown.join(', ')}`);
    }
    const grantPolicy = new GrantPolicy((agency) => policies.grantRules(agency), grantSources, { ttlMs: config.grants.ttlMs, defaultRadiusM: config.grants.defaultRadiusM }, config.grants.extension);
    const incidents = new Incidents(db, { policy: grantPolicy, districtAt: (lat, lon) => region.at(lat, lon)?.code ?? null });
    closers.push(() => incidents.dispose());
    const { grants } = incidents;
    const verify = async (token: unknown): Promise<Principal> => {
      const principal = await verifyToken(token, { issuers: issuers.map, audience: config.auth.audience, maxIssuedAtSkewSec: config.auth.maxIssuedAtSkewSec });
      if (revocations.isRevoked(principal)) throw new HubError('TOKEN_REVOKED', '사용이 중지된 사용자입니다 (access revoked)');
      return principal;
    };
    // Sessions and the API are for people; a scraper's token reads /metrics and nothing else.
    const authenticate = async (token: unknown): Promise<Principal> => {
      const principal = await verify(token);
      if (principal.role === 'metrics') throw new HubError('FORBIDDEN', '지표 수집용 토큰입니다 (a metrics token reads /metrics only)');
      return principal;
    };
    const authorizeScrape = async (token: unknown): Promise<void> => {
      if ((await verify(token)).role !== 'metrics') throw new HubError('FORBIDDEN', "'metrics' 역할이 필요합니다 (metrics role required)");
    };

    const simulator = await starting;
    const feeds: SimulatedFeed[] = feedSpecs.map((spec) => ({ name: spec.id, url: simulator!.urls.get(spec.id)! }));
    // Landmarks are a demo city's; a region without one has only its registry.
    const landmarks = feeds.length > 0 && city ? demoCameras(feeds.length, (i) => feedFor(feeds, i).url, city) : [];
    cameras.push(...landmarks.map((camera, i) => ({ ...camera, simulatedFeed: feedFor(feeds, i).name })));
    // The plate-reading cameras of the city's demo drive (the vehicle simulator's), on feeds by id.
    const lprDemo = feeds.length > 0 && city ? demoLprCameras(city) : [];
    cameras.push(...lprDemo.map((camera) => ({ ...camera, source: feedFor(feeds, camera).url, simulatedFeed: feedFor(feeds, camera).name })));
    const template = source.kind === 'csv' ? source.sourceTemplate : undefined;
    cameras.push(
      ...toRegistryCameras(loaded.cameras, (camera) => {
        if (template) return { source: template.replaceAll('{id}', encodeURIComponent(camera.id)) };
        const feed = feedFor(feeds, camera);
        return { source: feed.url, simulatedFeed: feed.name };
      })
    );
    const registry = new CameraRegistry(cameras);
    const simulated = cameras.filter((c) => c.simulatedFeed !== undefined).length;
    const startup: StartupSummary = {
      mode: config.mode,
      region: { name: regionName(region), codes: region.codes, inferred: configured === 'infer', demoCity: city?.id ?? null },
      registry: {
        source: source.kind,
        file: source.kind === 'csv' ? basename(source.file) : null,
        imported: loaded.imported,
        cameras: loaded.cameras.length,
        skippedOutsideRegion: loaded.skippedOutsideRegion
      },
      cameras: { total: registry.size, landmarks: landmarks.length + lprDemo.length, configured: config.cameras.length, simulated, real: registry.size - simulated, simulatedFeeds: feeds.length },
      demoAgencies: demoAgencies.map(({ id, name, nameEn, description }) => ({ id, name, nameEn, description }))
    };
    const auditWriter = await auditOpening;
    const audit = AuditLog.open(auditAt.log, { readonly: true });
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
      udpFallbackMs: config.ingest.udpFallbackMs,
      transportFor: (source) => (config.ingest.tcpSources.some((prefix) => source.startsWith(prefix)) ? 'tcp' : config.ingest.transport),
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
    reportIngests(metrics, streams, config.metrics);

    // One spatial index for geo answers and grant look-ups; scope is applied through ScopeIndex, cached per principal.
    const registryCameras = [...registry.all()];
    const spatial = new CameraIndex(registryCameras);
    const scopeIndex = new ScopeIndex(registryCameras, spatial);
    const visibleSets = new VisibleSets(scopeIndex, { policies, grants: (agency) => grants.activeOf(agency) });
    const visible = (principal: Principal) => visibleSets.of(principal);
    const directory = new CameraDirectory(registryCameras);
    const geo = new GeoService(registryCameras, { records: new DispatchStore(db), index: spatial, region });
    incidents.on('incident:closed', (incident) => geo.endDispatch(incident.id));
    const grantViews = new GrantViews({ incidents, policies, opened: (grant, districts) => scopeIndex.openedBy(grant, districts, policies) });

    // Records that gate nothing (sessions, incidents, grants, refusals): written with the writer's next group.
    const record = (input: AuditInput) => auditWriter.record(input);
    const refusals = new RefusalTally({
      ...config.audit.refusedHandshakes,
      record: (input) => {
        log.warn('handshakes refused', { code: input.code, address: input.clientAddress, count: input.detail?.count });
        record(input);
      }
    });
    closers.push(() => refusals.close());
    const lprRefusals = new RefusalTally({ ...config.audit.refusedHandshakes, action: 'lpr.refused', record });
    closers.push(() => lprRefusals.close());
    const lpr = new Lpr({
      db,
      registry,
      systems: lprSystems,
      policies,
      retainNonHitsSec: config.lpr.retainNonHitsSec,
      plateRoles: config.lpr.plateRoles,
      rate: config.lpr.rate,
      record,
      audit: auditWriter,
      refusals: lprRefusals,
      log
    });
    closers.push(() => lpr.close());
    const lprCameras = registryCameras.filter((camera) => camera.category === LPR_CATEGORY);
    const vehicleWorld: VehicleWorld | undefined = devLpr && {
      get router() {
        return geo.router();
      },
      cameras: lprCameras,
      signer: devLpr
    };
    let hubUrl = '';
    // Built on the first pursuit (or at start when warming): the road network and the cameras' attachment to it.
    let predictor: PursuitPredictor | undefined;
    const predictorOf = () => (predictor ??= new PursuitPredictor(geo.router().graph, registryCameras));
    const pursuitParts = composePursuits({
      db,
      incidents,
      policies,
      registry,
      predictor: predictorOf,
      lpr,
      visible,
      trustedSource: (principal) => grantPolicy.sourceOf(principal) !== undefined,
      record,
      publish: (agency, view) => signaling.pursuitChanged(agency, view),
      predictEveryMs: config.pursuits.predictEveryMs,
      log,
      scenario: vehicleWorld && { world: vehicleWorld, hubUrl: () => hubUrl }
    });
    closers.push(() => pursuitParts.close());
    const demoAlerts = development ? DEMO_ALERTS[city?.id ?? 'seoul'] : undefined;
    const alertRefusals = new RefusalTally({ ...config.audit.refusedHandshakes, action: 'alert.refused', record });
    closers.push(() => alertRefusals.close());
    const alertParts = composeAlerts({
      db,
      incidents,
      policies,
      registry,
      nearest: (lat, lon, n, filter) => geo.nearest(lat, lon, n, filter),
      districtAt: (lat, lon) => region.at(lat, lon),
      visible,
      config: withDemoAlerts(config.alerts, demoAlerts),
      sources: alertSources,
      refusals: alertRefusals,
      record,
      publish: (agencies, view) => signaling.alarmChanged(agencies, view),
      log,
      scenario: devAlerts && demoAlerts && { places: demoAlerts.places, signer: devAlerts, hubUrl: () => hubUrl }
    });
    closers.push(() => alertParts.close());
    const budget = new Budget(config.budgets);
    const loopDelay = new EventLoopDelay();
    closers.push(() => loopDelay.close());
    const httpOptions: HttpOptions = {
      log,
      metrics,
      security: securityHeaders(config.http.frameAncestors),
      authorizeScrape: config.metrics.listen ? undefined : authorizeScrape,
      webDir: parts.webDir ?? join(process.cwd(), 'build', 'web'),
      health: () => startup,
      dev: devIssuer ? { issuer: devIssuer, agencies: demoAgencies, audience: config.auth.audience, ttlSec: config.auth.devTokenTtlSec } : undefined,
      authenticate,
      budget,
      sourceRoutes: [...lprSourceRoutes(lpr), ...alertParts.sourceRoutes],
      routes: [...grantRoutes({ incidents, views: grantViews, audit: auditWriter }), ...lprRoutes(lpr), ...pursuitParts.routes, ...alertParts.routes, ...apiRoutes({
        incidents,
        audit,
        auditWriter,
        revocations,
        afterRevocation: () => signaling.reverify(),
        geo,
        visible,
        dispatchChanged: (agency, incidentId) => signaling.dispatchChanged(agency, (principal) => geo.dispatch(incidentId, visible(principal).includes))
      })],
      beforeMetrics: async () => {
        metrics.set('gth_camera_streams', 'Running camera ingests', {}, streams.running);
        metrics.set('gth_registry_cameras', 'Cameras in the registry', {}, registry.size);
        metrics.set('gth_consumers', 'Pictures being sent to browsers (mediasoup consumers)', {}, signaling.consumers());
        const delay = loopDelay.take();
        const help = 'Event-loop delay since the previous scrape, ms (the loop also relays camera RTP)';
        for (const [quantile, value] of [['0.5', delay.p50], ['0.99', delay.p99], ['max', delay.max]] as const) metrics.set('gth_event_loop_delay_ms', help, { quantile }, value);
        metrics.set('gth_event_loop_delay_window_seconds', 'Length of the window gth_event_loop_delay_ms covers', {}, delay.windowMs / 1000);
        await reportWorkers(metrics, pool, config.metrics);
      }
    };
    const http = await createHttpServer(httpOptions);
    http.on('request', () => loopDelay.request());

    // Shared situation views: each participant's tiles resolved by their own scope; sent through the signaling server's rooms.
    const viewStore = new SharedViewStore(db);
    const inView = (principal: Principal, cameraId: string) => {
      const camera = registry.get(cameraId);
      return camera && visible(principal).includes(camera) ? camera : undefined;
    };
    const sharedViews = new SharedViews({
      store: viewStore,
      publisher: roomPublisher(() => signaling.io),
      resolve: (principal, { cameraId }) => {
        const camera = inView(principal, cameraId);
        return camera ? { camera: toCameraInfo(camera, streams.state(camera)) } : { withheld: true };
      },
      canSee: (principal, cameraId) => inView(principal, cameraId) !== undefined,
      record,
      ...config.sharedViews,
      incidents,
      grantPolicy,
      agencyKnown: (agency) => policies.get(agency) !== undefined
    });
    closers.push(() => sharedViews.close());
    grants.on('grant:issued', (grant) => sharedViews.grantsChanged(grant.agency));
    grants.on('grant:ended', (grant) => sharedViews.grantsChanged(grant.agency));
    incidents.on('incident:closed', (incident) => sharedViews.incidentClosed(incident.id));

    // Known once the port is (port 0 picks one): the hub's own origins unless configured.
    let origins: ReadonlySet<string> = new Set(config.http.publicOrigins);
    const signaling = attachSignaling(http, {
      verify: authenticate,
      originAllowed: (origin) => originAllowed(origin, origins),
      audit: auditWriter,
      record,
      refusedHandshake: (refusal) => refusals.count(refusal),
      viewerDeps: {
        policies,
        grants: (agency) => grants.activeOf(agency),
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
      maxSessionsPerUser: config.signaling.maxSessionsPerUser,
      views: sharedViewDomain(sharedViews),
      alarms: alarmDomain(alertParts.alarms),
      sessionsChanged: (count) => loopDelay.sessions(count)
    });
    closers.push(async () => {
      // Socket.IO closes the HTTP server with it; idle keep-alive connections would hold that up.
      const closed = signaling.close();
      http.closeAllConnections();
      await closed;
    });

    // Grants and keys change while people watch: every open view is re-decided at once; the
    // agency and the control centres whose cameras a grant covers see it change live.
    const publishGrant = (change: GrantsChangedEvent['change'], grant: GrantRecord) => signaling.grantsChanged(grantViews.audiences(change, grant));
    const incidentOf = (grant: { incidentId: string }) => incidents.get(grant.incidentId)!;
    grants.on('grant:requested', (grant) => {
      const incident = incidentOf(grant);
      record({ action: 'grant.requested', outcome: 'info', agency: grant.agency, incidentId: grant.incidentId, subject: grant.requestedBy, purpose: incident.purpose, detail: { grantId: grant.id, radiusM: grant.radiusM, source: grant.source } });
      publishGrant('requested', grant);
    });
    grants.on('grant:issued', (grant, entry) => {
      signaling.camerasChanged(grant.agency);
      const incident = incidentOf(grant);
      record({ action: 'grant.issued', outcome: 'allowed', agency: grant.agency, incidentId: incident.id, subject: entry.requestedBy, purpose: incident.purpose, detail: { grantId: grant.id, radiusM: grant.radiusM, expiresAt: grant.expiresAt, source: entry.source, ...(entry.decidedBy ? { approvedBy: entry.decidedBy } : {}), ...grantOwner(grant) } });
      publishGrant(entry.decidedBy ? 'approved' : 'issued', entry);
    });
    grants.on('grant:denied', (grant) => publishGrant('denied', grant));
    grants.on('grant:renewed', (grant, entry) => {
      const incident = incidentOf(grant);
      record({ action: 'grant.renewed', outcome: 'info', agency: grant.agency, incidentId: incident.id, detail: { grantId: grant.id, expiresAt: grant.expiresAt } });
      signaling.incidentsChanged(incident.agency, { change: 'renewed', incident });
      publishGrant('renewed', entry);
    });
    // A pursuit's corridor grant moved: views of cameras it left are re-decided, the agency lists again, the centres see it.
    grants.on('grant:reshaped', (grant, entry, previous) => {
      const before = previous.cameras ?? [];
      const removed = before.filter((id) => !grant.cameras?.includes(id));
      const added = (grant.cameras ?? []).filter((id) => !before.includes(id));
      // `overlap`: cameras it dropped that it still covers a moment, each with when it leaves them.
      const overlap = Object.fromEntries(grants.overlapOf(grant.id));
      record({ action: 'grant.renewed', outcome: 'info', agency: grant.agency, incidentId: grant.incidentId, detail: { grantId: grant.id, expiresAt: grant.expiresAt, ...grantOwner(grant), added, removed, overlap } });
      if (removed.length > 0) signaling.reevaluate();
      signaling.camerasChanged(grant.agency);
      signaling.grantsChanged(grantViews.audiences('renewed', entry, before));
    });
    grants.on('grant:ended', (grant, reason, entry) => {
      record({ action: 'grant.ended', outcome: 'info', agency: grant.agency, incidentId: grant.incidentId, detail: { grantId: grant.id, reason, ...(grant.pursuitId ? { pursuitId: grant.pursuitId } : {}), ...(grant.alarmId ? { alarmId: grant.alarmId } : {}) } });
      signaling.reevaluate();
      publishGrant('ended', entry);
    });
    grants.on('grant:lapsed', (grant) => {
      record({ action: 'grant.ended', outcome: 'info', agency: grant.agency, incidentId: grant.incidentId, detail: { grantId: grant.id, reason: 'incident-closed', approved: false } });
      publishGrant('ended', grant);
    });
    incidents.on('incident:opened', (incident) => record({ action: 'incident.opened', outcome: 'info', agency: incident.agency, subject: incident.openedBy, incidentId: incident.id, purpose: incident.purpose, detail: { type: incident.type, location: incident.location } }));
    incidents.on('incident:closed', (incident) => record({ action: 'incident.closed', outcome: 'info', agency: incident.agency, incidentId: incident.id }));
    // Views opened for an incident end with it (before its grants end, so they say INCIDENT_CLOSED).
    incidents.on('incident:closed', (incident) => signaling.incidentClosed(incident.id));
    // Every operator of the agency keeps the same incident list.
    incidents.on('incident:opened', (incident) => signaling.incidentsChanged(incident.agency, { change: 'opened', incident }));
    incidents.on('incident:closed', (incident) => signaling.incidentsChanged(incident.agency, { change: 'closed', incident }));
    // A wanted vehicle seen: the police of the camera's 구 and the 112 room, each session as its role may see plates.
    lpr.on('hit', (hit) => signaling.lprHit(lpr.alerted(hit), (principal) => lpr.hitEvent(principal, hit)));
    // Open alarms from before a restart take up their timers and grants now that grant changes are heard.
    alertParts.alarms.resume();
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

    if (parts.warm) {
      geo.warm();
      log.info('pursuit predictor built', { ms: Math.round(predictorOf().buildMs) });
    }
    const port = await listen(http, config.http.port, config.http.host);
    const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    hubUrl = url;
    origins = new Set(config.http.publicOrigins ?? ownOrigins(config.http.host, port, config.webrtc.announcedAddress));
    let metricsUrl: string | undefined;
    if (config.metrics.listen) {
      const server = createMetricsServer(httpOptions);
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const { host } = config.metrics.listen;
      metricsUrl = `http://${host.includes(':') ? `[${host}]` : host}:${await listen(server, config.metrics.listen.port, host)}/metrics`;
    }
    log.info('hub listening', { url, mode: config.mode, cameras: registry.size, origins: [...origins], ...(metricsUrl ? { metrics: metricsUrl } : {}) });

    return { url, port, metricsUrl, registry, registryLoad, startup, streams, devIssuer, metrics, audit, auditWriter, incidents, issuers, lpr, vehicleWorld, pursuits: pursuitParts.pursuits, alarms: alertParts.alarms, alertSigner: devAlerts, viewers: () => signaling.viewers(), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Listens and resolves with the port (the one picked, for port 0). */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}


