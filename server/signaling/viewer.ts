/**
 * One signed-in browser session: who it is, what it may see (authorisation and listing), and its
 * camera subscriptions, each authorised and audited here. The pictures themselves — transport,
 * consumers, router lease — belong to its one ViewerMedia, which close() closes. It never holds
 * the socket, only a typed `send` function, so it can be driven and tested without Socket.IO.
 */
import type { types as ms } from 'mediasoup';
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { decideUnknownCamera, decideView, type Grant, type ViewContext, type ViewDecision } from '../auth/scope.ts';
import type { AuditInput } from '../audit/types.ts';
import { toCameraInfo, type CameraRegistry, type RegistryCamera } from '../cameras/registry.ts';
import type { Logger } from '../log.ts';
import { HubError, type WireError } from '../protocol/errors.ts';
import type { CameraDirectory } from '../cameras/directory.ts';
import type { VisibleSet } from '../cameras/scope-index.ts';
import type { CameraInfo, CameraListResponse, JoinResponse, StillResponse, TransportOptions, WatchResponse } from '../protocol/events.ts';
import { DEFAULT_PAGE, type RequestOf } from '../protocol/schemas.ts';
import type { CameraStreams } from '../../media/camera-streams.ts';
import type { WorkerPool } from '../../media/workers.ts';
import { unsupportedCodec, ViewerMedia, type Send } from './viewer-media.ts';

/** Where views are recorded. append() resolves once the record is durable, rejects when it cannot be written: the view is then refused. */
export interface AuditSink {
  append(input: AuditInput): Promise<unknown>;
}

export interface ViewerDeps {
  principal: Principal;
  policies: AgencyPolicies;
  /** Active incident grants of an agency. */
  grants: (agency: string) => readonly Grant[];
  /** The incident if the agency may see it (opened it or holds a grant for it). */
  incident: (agency: string, incidentId: string) => { status: 'open' | 'closed' } | undefined;
  audit: AuditSink;
  /** Records that gate nothing (a view stopped or refused, a token refreshed): queued, written after the answer. */
  record: (input: AuditInput) => void;
  clientAddress: string;
  registry: CameraRegistry;
  /** The registry as the camera list pages and searches it. */
  directory: CameraDirectory<RegistryCamera>;
  /** What a principal may see now (decideView over the registry, cached per principal). */
  visible: (principal: Principal) => VisibleSet;
  streams: CameraStreams;
  pool: WorkerPool;
  listenIp: string;
  announcedAddress: string | undefined;
  /** Most cameras one session may watch at once (a 16-tile wall plus margin). */
  maxWatches: number;
  log: Logger;
  send: Send;
}

/** A watch whose view-start record is being written. */
interface Starting {
  incidentId: string | undefined;
  started: Promise<WatchResponse>;
  /** camera:unwatch came meanwhile: the view stops once recorded, and opens nothing. */
  unwatched: boolean;
}

/** An open view: why it is allowed and what its audit records carry; its picture is the media's. */
interface Watch {
  camera: RegistryCamera;
  decision: Extract<ViewDecision, { allowed: true }>;
  /** The incident the view is for (camera:watch's incidentId); it ends when that incident closes. */
  incidentId: string | undefined;
  startedAt: number;
  closed: boolean;
}

export class Viewer {
  readonly #deps: ViewerDeps;
  #principal: Principal;
  readonly #log: Logger;
  readonly #watches = new Map<string, Watch>();
  /**
   * Watches whose view-start record is being written, by camera: the view opens once it is
   * durable — unless the camera was unwatched meanwhile (`unwatched`), then it stops right there.
   */
  readonly #starting = new Map<string, Starting>();
  /** The session's pictures; owned here, closed with the session. */
  readonly #media: ViewerMedia;
  #closed = false;
  /** What the session was last told it may see (cameras:changed when that changes). */
  #seen: VisibleSet;

  constructor(deps: ViewerDeps) {
    this.#deps = deps;
    this.#principal = deps.principal;
    this.#seen = deps.visible(deps.principal);
    this.#log = deps.log.child({ subject: deps.principal.subject, agency: deps.principal.agency.id });
    const { streams, pool, listenIp, announcedAddress, send } = deps;
    this.#media = new ViewerMedia({
      streams,
      pool,
      listenIp,
      announcedAddress,
      send,
      subject: deps.principal.subject,
      log: this.#log,
      feedEnded: (cameraId, reason) => {
        const watch = this.#watches.get(cameraId);
        if (watch) this.#endWatch(watch, reason);
      }
    });
  }

  get principal(): Principal {
    return this.#principal;
  }

  get consumerCount(): number {
    return this.#media.consumerCount;
  }

  join(): JoinResponse {
    const principal = this.#principal;
    const router = this.#media.join();
    return {
      session: {
        subject: principal.subject,
        name: principal.name,
        agency: principal.agency,
        role: principal.role,
        purpose: principal.purpose ?? null,
        expiresAt: principal.expiresAt
      },
      ...router
    };
  }

  /** A page of the cameras this session may see, with counts (see CameraDirectory.list). */
  listCameras(request: RequestOf<'cameras:list'>): CameraListResponse {
    const { directory, streams } = this.#deps;
    const offset = request.offset ?? 0;
    const page = directory.list(this.#visible(), { district: request.district, query: request.query, offset, limit: request.limit ?? DEFAULT_PAGE });
    return { ...page, offset, cameras: page.cameras.map((camera) => toCameraInfo(camera, streams.state(camera))) };
  }

  /** The named cameras this session may see; unknown and out-of-scope ids are left out alike. */
  getCameras({ ids }: RequestOf<'cameras:get'>): CameraInfo[] {
    const { registry, streams } = this.#deps;
    const visible = this.#visible();
    const cameras: CameraInfo[] = [];
    for (const id of new Set(ids)) {
      const camera = registry.get(id);
      if (camera && visible.includes(camera)) cameras.push(toCameraInfo(camera, streams.state(camera)));
    }
    return cameras;
  }

  /** Tells the session to list again if what it may see changed since it was last told (a grant that widens nothing is silent). */
  noticeCamerasChanged(): void {
    if (this.#closed) return;
    const visible = this.#deps.visible(this.#principal);
    if (visible.equals(this.#seen)) return;
    this.#seen = visible;
    this.#deps.send('cameras:changed');
  }

  /**
   * Takes over a refreshed token (same subject and agency, checked by the caller), then closes
   * every view the new token no longer allows.
   */
  refresh(principal: Principal): void {
    this.#principal = principal;
    this.#audit({ action: 'token.refreshed', outcome: 'info', detail: { expiresAt: principal.expiresAt } });
    this.reevaluate();
  }

  /** Re-decides every open view (after a grant ended, a token changed, a policy changed, a wall's tiles changed). */
  reevaluate(): void {
    for (const watch of [...this.#watches.values()]) {
      const decision = this.#decide(watch.camera);
      if (decision.allowed) {
        watch.decision = decision;
        continue;
      }
      const reason =
        watch.decision.basis === 'grant' && decision.code === 'CAMERA_OUT_OF_SCOPE'
          ? { code: 'GRANT_ENDED' as const, message: '사건 열람 권한이 끝났습니다 (incident grant ended)' }
          : { code: decision.code, message: decision.message };
      this.#endWatch(watch, reason);
    }
  }

  createTransport(): Promise<TransportOptions> {
    return this.#media.createTransport();
  }

  connectTransport(request: RequestOf<'transport:connect'>): Promise<Record<string, never>> {
    return this.#media.connectTransport(request);
  }

  /**
   * Where a consume is authorised: decided and recorded here, before any stream is started. The
   * view-start record is durable before the stream is leased (no record, no picture); while it
   * is written (off the event loop) the decision is made again afterwards, so a grant that ended
   * or a session that closed in between opens nothing. A watch sent right behind
   * transport:create (before its answer) waits for the transport meanwhile.
   */
  async watch({ cameraId, rtpCapabilities, incidentId, routerCapabilitiesId }: RequestOf<'camera:watch'>): Promise<WatchResponse> {
    if (!this.#media.transportAsked) throw new HubError('NOT_JOINED', '수신 전송로가 없습니다 (create a transport first)');
    if (routerCapabilitiesId !== undefined && routerCapabilitiesId !== this.#media.capabilitiesId) {
      throw new HubError('CAPABILITIES_STALE', '허브의 영상 설정이 바뀌었습니다 — 다시 받아 보세요 (router capabilities changed: load them from media:join and watch again)');
    }
    // Requests of one camera act in the order sent: an unwatch that came before this watch is done first.
    const withdrawn = this.#starting.get(cameraId);
    if (withdrawn?.unwatched) await withdrawn.started.catch(() => undefined);
    const { camera, decision } = this.#authorise(cameraId, incidentId);
    const existing = this.#watches.get(cameraId) ?? this.#starting.get(cameraId);
    if (existing) {
      if (existing.incidentId === incidentId) return 'started' in existing ? existing.started : this.#watchResponse(existing);
      this.#refuse(cameraId, 'BAD_REQUEST', '이미 다른 사건(또는 사건 없이)으로 보고 있는 카메라입니다 — 먼저 camera:unwatch 하세요 (already watching this camera for another incident; unwatch first)', incidentId);
    }
    if (this.#watches.size + this.#starting.size >= this.#deps.maxWatches) {
      this.#refuse(cameraId, 'RATE_LIMITED', `동시에 볼 수 있는 카메라는 ${this.#deps.maxWatches}대까지입니다 (too many cameras)`, incidentId);
    }
    const running = this.#deps.streams.get(camera);
    if (running?.state === 'unsupported') {
      const reason = unsupportedCodec(running);
      this.#refuse(cameraId, reason.code, reason.message, incidentId, undefined, reason.codec);
    }
    const starting: Starting = { incidentId, started: this.#start(camera, decision, incidentId, rtpCapabilities as ms.RtpCapabilities), unwatched: false };
    this.#starting.set(cameraId, starting);
    try {
      return await starting.started;
    } finally {
      if (this.#starting.get(cameraId) === starting) this.#starting.delete(cameraId);
    }
  }

  async #start(camera: RegistryCamera, decision: Extract<ViewDecision, { allowed: true }>, incidentId: string | undefined, rtpCapabilities: ms.RtpCapabilities): Promise<WatchResponse> {
    const cameraId = camera.id;
    const transport = this.#media.transportReady().then(
      () => true,
      () => false
    );
    await this.#recordView('view.start', camera, decision, incidentId);
    // The view was recorded as started: whatever stops it now is recorded as its stop.
    const stopped = (code: WireError['code']) => this.#deps.record({ ...this.#record('view.stop', 'refused', cameraId, decision, incidentId), durationMs: 0, code });
    const transportMade = await transport;
    if (this.#closed) {
      stopped('SHUTTING_DOWN');
      throw new HubError('SHUTTING_DOWN', '세션이 종료되었습니다 (session closed)');
    }
    if (!transportMade) {
      stopped('NOT_JOINED');
      throw new HubError('NOT_JOINED', '수신 전송로를 만들지 못했습니다 (the transport could not be created)');
    }
    // Set in #starting before this first await ended.
    if (this.#starting.get(cameraId)?.unwatched) {
      stopped('CAMERA_UNKNOWN');
      throw new HubError('CAMERA_UNKNOWN', '열리기 전에 보기를 멈췄습니다 (unwatched before the view opened)');
    }
    try {
      decision = this.#authorise(cameraId, incidentId).decision;
    } catch (error) {
      if (error instanceof HubError) stopped(error.code);
      throw error;
    }
    this.#media.open(camera, rtpCapabilities);
    const watch: Watch = { camera, decision, incidentId, startedAt: Date.now(), closed: false };
    this.#watches.set(cameraId, watch);
    return this.#watchResponse(watch);
  }

  /**
   * The camera's latest keyframe, for a tile to show before live video: the same checks as a
   * watch, and recorded as a view (`view.still`) whenever a picture is handed out.
   */
  async still({ cameraId, incidentId }: RequestOf<'camera:still'>): Promise<StillResponse> {
    const { camera, decision } = this.#authorise(cameraId, incidentId);
    const keyframe = await this.#deps.streams.still(camera);
    if (!keyframe) return { cameraId, still: null };
    await this.#recordView('view.still', camera, decision, incidentId);
    const { data, codec, capturedAt } = keyframe;
    // A copy the size of the keyframe: Socket.IO sends an ArrayBuffer as one binary attachment.
    const bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    return { cameraId, still: { codec, data: bytes, capturedAt, ageMs: Math.max(0, Date.now() - capturedAt) } };
  }

  unwatch({ cameraId }: RequestOf<'camera:unwatch'>): Record<string, never> {
    const watch = this.#watches.get(cameraId);
    if (watch) {
      this.#endWatch(watch);
      return {};
    }
    // Still being recorded (a tile that moved on before its first answer): it stops as soon as it is.
    const starting = this.#starting.get(cameraId);
    if (!starting) throw new HubError('CAMERA_UNKNOWN', `보고 있지 않은 카메라입니다 (not watching ${cameraId})`);
    starting.unwatched = true;
    return {};
  }

  resume(request: RequestOf<'consumer:resume'>): Promise<Record<string, never>> {
    return this.#media.resume(request);
  }

  /** Ends the views opened for an incident that just closed. */
  endIncident(incidentId: string): void {
    for (const watch of [...this.#watches.values()]) {
      if (watch.incidentId === incidentId) this.#endWatch(watch, { code: 'INCIDENT_CLOSED', message: '사건이 종료되어 영상을 닫았습니다 (incident closed)' });
    }
  }

  /** Ends everything this session holds. `reason` is told to the client for each open picture. */
  close(reason?: WireError): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const watch of [...this.#watches.values()]) this.#endWatch(watch, reason);
    this.#media.close();
  }

  /** What the session may see now; listing it is being told about it. */
  #visible(): VisibleSet {
    this.#seen = this.#deps.visible(this.#principal);
    return this.#seen;
  }

  #context(): ViewContext {
    return { policies: this.#deps.policies, grants: this.#deps.grants(this.#principal.agency.id), now: Date.now() };
  }

  #decide(camera: RegistryCamera): ViewDecision {
    return decideView(this.#principal, camera, this.#context());
  }

  /** The registered camera, and the incident a view is for if one is named: open and the agency's to see. */
  /**
   * The camera, if this principal may see it (and the incident is theirs and open). Decided
   * before anything else is looked at: an unknown camera and one out of scope get the same answer.
   */
  #authorise(cameraId: string, incidentId: string | undefined): { camera: RegistryCamera; decision: Extract<ViewDecision, { allowed: true }> } {
    const camera = this.#deps.registry.get(cameraId);
    if (!camera) {
      const refusal = decideUnknownCamera(this.#principal, this.#deps.policies);
      this.#refuse(cameraId, refusal.code, refusal.message, incidentId, refusal.why);
    }
    const decision = this.#decide(camera);
    if (!decision.allowed) this.#refuse(cameraId, decision.code, decision.message, incidentId, decision.why);
    if (incidentId !== undefined) {
      const incident = this.#deps.incident(this.#principal.agency.id, incidentId);
      if (!incident) this.#refuse(cameraId, 'INCIDENT_NOT_FOUND', '사건을 찾을 수 없습니다 (no such incident)', incidentId);
      if (incident.status !== 'open') this.#refuse(cameraId, 'INCIDENT_CLOSED', '이미 종료된 사건입니다 (incident closed)', incidentId);
    }
    return { camera, decision };
  }

  /** Fail closed: no record, no picture (the record is durable before this resolves). */
  async #recordView(action: 'view.start' | 'view.still', camera: RegistryCamera, decision: ViewDecision, incidentId: string | undefined): Promise<void> {
    try {
      await this.#deps.audit.append(this.#record(action, 'allowed', camera.id, decision, incidentId));
    } catch {
      this.#log.error('audit write failed; view refused', { camera: camera.id, action });
      throw new HubError('AUDIT_UNAVAILABLE', '열람 기록을 남길 수 없어 영상을 차단합니다 (audit unavailable, view blocked)');
    }
  }

  #watchResponse(watch: Watch): WatchResponse {
    const response: WatchResponse = { cameraId: watch.camera.id, state: this.#media.stateOf(watch.camera.id) };
    if (watch.incidentId) response.incidentId = watch.incidentId;
    if (watch.decision.basis !== 'grant') return response;
    const { id, incidentId, expiresAt } = watch.decision.grant;
    return { ...response, grant: { id, incidentId, expiresAt } };
  }

  /** Records the refusal (best effort: a refusal is safe even unrecorded) and throws it. */
  #refuse(cameraId: string, code: WireError['code'], message: string, incidentId?: string, why?: string, codec?: string): never {
    this.#log.warn('watch refused', { camera: cameraId, code, why, ...(codec ? { codec } : {}) });
    this.#deps.record({ ...this.#record('view.refused', 'refused', cameraId, undefined, incidentId), code, ...(why ? { detail: { why } } : {}) });
    throw new HubError(code, message, codec === undefined ? {} : { codec });
  }

  /** A view's audit record; its incident is the one it is for, else the one whose grant allows it (and a corridor grant's pursuit). */
  #record(action: AuditInput['action'], outcome: AuditInput['outcome'], cameraId: string, decision?: ViewDecision, forIncident?: string): AuditInput {
    const principal = this.#principal;
    const grant = decision?.allowed && decision.basis === 'grant' ? decision.grant : undefined;
    const incidentId = forIncident ?? grant?.incidentId;
    return {
      action,
      outcome,
      subject: principal.subject,
      agency: principal.agency.id,
      role: principal.role,
      ...(principal.purpose ? { purpose: principal.purpose } : {}),
      cameraId,
      clientAddress: this.#deps.clientAddress,
      ...(incidentId ? { incidentId } : {}),
      ...(grant ? { detail: { grantId: grant.id, ...(grant.pursuitId ? { pursuitId: grant.pursuitId } : {}), ...(grant.alarmId ? { alarmId: grant.alarmId } : {}) } } : {})
    };
  }

  #audit(input: Omit<AuditInput, 'subject' | 'agency' | 'role' | 'clientAddress'>): void {
    const principal = this.#principal;
    this.#deps.record({ ...input, subject: principal.subject, agency: principal.agency.id, role: principal.role, clientAddress: this.#deps.clientAddress });
  }

  #endWatch(watch: Watch, reason?: WireError): void {
    if (watch.closed) return;
    watch.closed = true;
    // The tile must say why, even when no picture had arrived yet.
    this.#media.end(watch.camera.id, reason);
    this.#watches.delete(watch.camera.id);
    const stop = this.#record('view.stop', reason ? 'refused' : 'info', watch.camera.id, watch.decision, watch.incidentId);
    // Queued: closing an incident ends many views at once, and an fsync each would hold the loop that relays RTP.
    this.#deps.record({ ...stop, durationMs: Date.now() - watch.startedAt, ...(reason ? { code: reason.code } : {}) });
  }
}
