/**
 * One signed-in browser session: its receive transport, its camera subscriptions and their
 * consumers. The Viewer owns all of them and close() ends them all; it never holds the socket,
 * only a typed `send` function, so it can be driven and tested without Socket.IO.
 */
import type { types as ms } from 'mediasoup';
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { decideUnknownCamera, decideView, type Grant, type ViewContext, type ViewDecision } from '../auth/scope.ts';
import type { AuditInput } from '../audit/types.ts';
import { toCameraInfo, type CameraRegistry, type RegistryCamera } from '../cameras/registry.ts';
import type { Logger } from '../log.ts';
import { HubError, type WireError } from '../protocol/errors.ts';
import { DEFAULT_PAGE, type CameraDirectory } from '../cameras/directory.ts';
import type { VisibleSet } from '../cameras/scope-index.ts';
import type {
  CameraInfo,
  CameraListResponse,
  JoinResponse,
  MediaPath,
  ServerToClientEvents,
  StillResponse,
  TransportOptions,
  WatchResponse
} from '../protocol/events.ts';
import type { RequestOf } from '../protocol/schemas.ts';
import type { CameraStream, TranscodeLease } from '../../media/camera-stream.ts';
import type { CameraStreams, StreamLease } from '../../media/camera-streams.ts';
import type { WorkerPool } from '../../media/workers.ts';

export type Send = <E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

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

interface Watch {
  camera: RegistryCamera;
  lease: StreamLease;
  decision: Extract<ViewDecision, { allowed: true }>;
  /** The incident the view is for (camera:watch's incidentId); it ends when that incident closes. */
  incidentId: string | undefined;
  startedAt: number;
  rtpCapabilities: ms.RtpCapabilities;
  consumer: ms.Consumer | undefined;
  /** The path this viewer's picture takes, once decided. */
  path: MediaPath | undefined;
  /** Held while this viewer's picture comes through the camera's transcode. */
  transcode: TranscodeLease | undefined;
  /** Consumes run one after another, so two producer events cannot race to two consumers. */
  consuming: Promise<void>;
  detach: () => void;
  closed: boolean;
}

export class Viewer {
  readonly #deps: ViewerDeps;
  #principal: Principal;
  readonly #log: Logger;
  readonly #watches = new Map<string, Watch>();
  /** Watches whose view-start record is being written, by camera: the view opens once it is durable. */
  readonly #starting = new Map<string, { incidentId: string | undefined; started: Promise<WatchResponse> }>();
  #router: { router: ms.Router; release: () => void } | undefined;
  #transport: ms.WebRtcTransport | undefined;
  #transportConnected = false;
  #closed = false;
  /** What the session was last told it may see (cameras:changed when that changes). */
  #seen: VisibleSet;

  constructor(deps: ViewerDeps) {
    this.#deps = deps;
    this.#principal = deps.principal;
    this.#seen = deps.visible(deps.principal);
    this.#log = deps.log.child({ subject: deps.principal.subject, agency: deps.principal.agency.id });
  }

  get principal(): Principal {
    return this.#principal;
  }

  get consumerCount(): number {
    let count = 0;
    for (const watch of this.#watches.values()) if (watch.consumer) count++;
    return count;
  }

  join(): JoinResponse {
    const principal = this.#principal;
    this.#router ??= this.#deps.pool.acquireRouter(1);
    return {
      session: {
        subject: principal.subject,
        name: principal.name,
        agency: principal.agency,
        role: principal.role,
        purpose: principal.purpose ?? null,
        expiresAt: principal.expiresAt
      },
      routerRtpCapabilities: this.#router.router.rtpCapabilities
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

  /** Re-decides every open view (after a grant ended, a token changed, a policy changed). */
  reevaluate(): void {
    const context = this.#context();
    for (const watch of [...this.#watches.values()]) {
      const decision = decideView(this.#principal, watch.camera, context);
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

  async createTransport(): Promise<TransportOptions> {
    if (!this.#router) throw new HubError('NOT_JOINED', 'media:join 먼저 필요합니다 (join first)');
    if (this.#transport) throw new HubError('BAD_REQUEST', '수신 전송로가 이미 있습니다 (transport already exists)');
    const transport = await this.#router.router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: this.#deps.listenIp, announcedAddress: this.#deps.announcedAddress }],
      enableUdp: true,
      enableTcp: false,
      appData: { subject: this.#deps.principal.subject }
    });
    if (this.#closed) {
      transport.close();
      throw new HubError('SHUTTING_DOWN', '세션이 종료되었습니다 (session closed)');
    }
    this.#transport = transport;
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.#log.warn('transport dtls state', { state });
      // A consumer resumed before DTLS was up had its keyframe request answered into the void;
      // ask again now, or the first picture waits for the camera's next GOP.
      if (state === 'connected') {
        for (const watch of this.#watches.values()) void watch.consumer?.requestKeyFrame().catch(() => undefined);
      }
    });
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters
    };
  }

  async connectTransport({ transportId, dtlsParameters }: RequestOf<'transport:connect'>): Promise<Record<string, never>> {
    const transport = this.#requireTransport(transportId);
    if (this.#transportConnected) throw new HubError('BAD_REQUEST', '전송로가 이미 연결되었습니다 (transport already connected)');
    this.#transportConnected = true;
    try {
      await transport.connect({ dtlsParameters });
    } catch {
      // mediasoup refuses parameters the schema let through (e.g. a malformed fingerprint).
      this.#transportConnected = false;
      throw new HubError('BAD_REQUEST', 'DTLS 매개변수가 잘못되었습니다 (invalid DTLS parameters)');
    }
    return {};
  }

  /**
   * Where a consume is authorised: decided and recorded here, before any stream is started. The
   * view-start record is durable before the stream is leased (no record, no picture); while it
   * is written (off the event loop) the decision is made again afterwards, so a grant that ended
   * or a session that closed in between opens nothing.
   */
  async watch({ cameraId, rtpCapabilities, incidentId }: RequestOf<'camera:watch'>): Promise<WatchResponse> {
    if (!this.#transport) throw new HubError('NOT_JOINED', '수신 전송로가 없습니다 (create a transport first)');
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
    const started = this.#start(camera, decision, incidentId, rtpCapabilities as ms.RtpCapabilities);
    this.#starting.set(cameraId, { incidentId, started });
    try {
      return await started;
    } finally {
      this.#starting.delete(cameraId);
    }
  }

  async #start(camera: RegistryCamera, decision: Extract<ViewDecision, { allowed: true }>, incidentId: string | undefined, rtpCapabilities: ms.RtpCapabilities): Promise<WatchResponse> {
    const { streams } = this.#deps;
    const cameraId = camera.id;
    await this.#recordView('view.start', camera, decision, incidentId);
    // The view was recorded as started: whatever stops it now is recorded as its stop.
    const stopped = (code: WireError['code']) => this.#deps.record({ ...this.#record('view.stop', 'refused', cameraId, decision, incidentId), durationMs: 0, code });
    if (this.#closed) {
      stopped('SHUTTING_DOWN');
      throw new HubError('SHUTTING_DOWN', '세션이 종료되었습니다 (session closed)');
    }
    try {
      decision = this.#authorise(cameraId, incidentId).decision;
    } catch (error) {
      if (error instanceof HubError) stopped(error.code);
      throw error;
    }

    const lease = streams.acquire(camera);
    const stream = lease.stream;
    const onState = (state: WatchResponse['state'], retryAt: number | undefined) => {
      this.#deps.send('camera:state', retryAt ? { cameraId, state, retryAt } : { cameraId, state });
      if (state === 'unsupported') this.#endWatch(watch, unsupportedCodec(stream));
      // A camera that needs a transcode has no producer of its own: its coming live is the cue.
      else if (state === 'live' && !watch.consumer) this.#consumeSafely(watch);
    };
    // A new picture on the path this viewer takes (any path while undecided).
    const onProducer = (_producer: ms.Producer, path: MediaPath) => {
      if (watch.path === undefined || watch.path === path) this.#consumeSafely(watch);
    };
    stream.on('state', onState);
    stream.on('producer', onProducer);
    const watch: Watch = {
      camera,
      lease,
      decision,
      incidentId,
      startedAt: Date.now(),
      rtpCapabilities,
      consumer: undefined,
      path: undefined,
      transcode: undefined,
      consuming: Promise.resolve(),
      closed: false,
      detach: () => {
        stream.off('state', onState);
        stream.off('producer', onProducer);
      }
    };
    this.#watches.set(cameraId, watch);
    if (stream.state === 'live') this.#consumeSafely(watch);
    return this.#watchResponse(watch);
  }

  /**
   * The camera's latest keyframe, for a tile to show before live video: the same checks as a
   * watch, and recorded as a view (`view.still`) whenever a picture is handed out.
   */
  async still({ cameraId, incidentId }: RequestOf<'camera:still'>): Promise<StillResponse> {
    const { camera, decision } = this.#authorise(cameraId, incidentId);
    const keyframe = this.#deps.streams.keyframe(camera);
    if (!keyframe) return { cameraId, still: null };
    await this.#recordView('view.still', camera, decision, incidentId);
    const { data, codec, capturedAt } = keyframe;
    // A copy the size of the keyframe: Socket.IO sends an ArrayBuffer as one binary attachment.
    const bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    return { cameraId, still: { codec, data: bytes, capturedAt, ageMs: Math.max(0, Date.now() - capturedAt) } };
  }

  unwatch({ cameraId }: RequestOf<'camera:unwatch'>): Record<string, never> {
    const watch = this.#watches.get(cameraId);
    if (!watch) throw new HubError('CAMERA_UNKNOWN', `보고 있지 않은 카메라입니다 (not watching ${cameraId})`);
    this.#endWatch(watch);
    return {};
  }

  async resume({ consumerId }: RequestOf<'consumer:resume'>): Promise<Record<string, never>> {
    for (const watch of this.#watches.values()) {
      if (watch.consumer?.id === consumerId) {
        await watch.consumer.resume();
        return {};
      }
    }
    throw new HubError('CONSUMER_UNKNOWN', '알 수 없는 영상 수신입니다 (unknown consumer)');
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
    this.#transport?.close();
    this.#router?.release();
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
    const response: WatchResponse = { cameraId: watch.camera.id, state: watch.lease.stream.state };
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
      ...(grant ? { detail: { grantId: grant.id, ...(grant.pursuitId ? { pursuitId: grant.pursuitId } : {}) } } : {})
    };
  }

  #audit(input: Omit<AuditInput, 'subject' | 'agency' | 'role' | 'clientAddress'>): void {
    const principal = this.#principal;
    this.#deps.record({ ...input, subject: principal.subject, agency: principal.agency.id, role: principal.role, clientAddress: this.#deps.clientAddress });
  }

  #requireTransport(transportId: string): ms.WebRtcTransport {
    if (!this.#transport || this.#transport.id !== transportId) {
      throw new HubError('TRANSPORT_UNKNOWN', '알 수 없는 전송로입니다 (unknown transport)');
    }
    return this.#transport;
  }

  /** Consuming runs after the watch was answered, one at a time per watch: failures are logged, never left unhandled. */
  #consumeSafely(watch: Watch): void {
    watch.consuming = watch.consuming.then(() =>
      this.#consume(watch).catch((error: unknown) => {
        this.#log.warn('consume failed', { camera: watch.camera.id, error: error instanceof Error ? error.message : String(error) });
        if (!watch.closed) this.#endWatch(watch, { code: 'CODEC_UNSUPPORTED', message: '이 브라우저로 영상을 받을 수 없습니다 (cannot consume with these capabilities)', codec: BROWSER_REFUSED });
      })
    );
  }

  /**
   * Picks this viewer's path: the camera's own stream when its browser takes the negotiated
   * profile, else the camera's transcode (constrained baseline, shared by every viewer that
   * needs it), else CODEC_UNSUPPORTED.
   */
  async #consume(watch: Watch): Promise<void> {
    const transport = this.#transport;
    const router = this.#router?.router;
    const stream = watch.lease.stream;
    const plan = stream.plan;
    // Not described yet (a producer event follows), or unsupported (the state event ends the watch).
    if (!transport || !router || watch.closed || !plan || plan.path === 'unsupported') return;
    if (plan.path === 'passthrough') {
      const producer = await stream.producerOn(router);
      if (!producer || watch.closed || transport.closed) return;
      if (router.canConsume({ producerId: producer.id, rtpCapabilities: watch.rtpCapabilities })) {
        watch.path = 'passthrough';
        watch.transcode?.release();
        watch.transcode = undefined;
        await this.#consumeFrom(watch, producer, 'passthrough');
        return;
      }
    }
    if (!offersConstrainedBaseline(watch.rtpCapabilities)) {
      this.#endWatch(watch, { code: 'CODEC_UNSUPPORTED', message: '브라우저가 H.264를 재생할 수 없습니다 (this browser offers no H.264 decoder)', codec: BROWSER_REFUSED });
      return;
    }
    watch.path = 'transcode';
    watch.transcode ??= stream.acquireTranscode();
    const producer = await stream.producerOn(router, 'transcode');
    // Not running yet: the stream's producer event brings it.
    if (!producer || watch.closed || transport.closed) return;
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities: watch.rtpCapabilities })) {
      this.#endWatch(watch, { code: 'CODEC_UNSUPPORTED', message: '브라우저가 변환 영상도 재생할 수 없습니다 (codec not supported by this browser)', codec: BROWSER_REFUSED });
      return;
    }
    await this.#consumeFrom(watch, producer, 'transcode');
  }

  async #consumeFrom(watch: Watch, producer: ms.Producer, path: MediaPath): Promise<void> {
    const transport = this.#transport;
    // Already consuming this very producer (a second event for it).
    if (!transport || (watch.consumer && !watch.consumer.closed && watch.consumer.producerId === producer.id)) return;
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: watch.rtpCapabilities,
      paused: true,
      appData: { cameraId: watch.camera.id, path }
    });
    if (watch.closed) {
      consumer.close();
      return;
    }
    watch.consumer?.close();
    watch.consumer = consumer;
    consumer.on('producerclose', () => {
      if (watch.consumer !== consumer) return;
      watch.consumer = undefined;
      this.#deps.send('consumer:closed', {
        cameraId: watch.camera.id,
        consumerId: consumer.id,
        reason: { code: 'CAMERA_OFFLINE', message: '카메라 연결이 끊겼습니다 — 재연결 중 (camera dropped, reconnecting)' }
      });
    });
    this.#deps.send('camera:consumer', {
      cameraId: watch.camera.id,
      id: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      path
    });
  }

  #endWatch(watch: Watch, reason?: WireError): void {
    if (watch.closed) return;
    watch.closed = true;
    watch.detach();
    watch.transcode?.release();
    watch.transcode = undefined;
    const consumer = watch.consumer;
    watch.consumer = undefined;
    consumer?.close();
    // The tile must say why, even when no picture had arrived yet.
    if (reason) this.#deps.send('consumer:closed', { cameraId: watch.camera.id, consumerId: consumer?.id ?? '', reason });
    watch.lease.release();
    this.#watches.delete(watch.camera.id);
    const stop = this.#record('view.stop', reason ? 'refused' : 'info', watch.camera.id, watch.decision, watch.incidentId);
    // Queued: closing an incident ends many views at once, and an fsync each would hold the loop that relays RTP.
    this.#deps.record({ ...stop, durationMs: Date.now() - watch.startedAt, ...(reason ? { code: reason.code } : {}) });
  }
}

/** The codec named when the browser, not the camera, is what refuses. */
const BROWSER_REFUSED = 'browser: no H.264';

/** Why a camera's stream cannot be served, for the tile: its codec, named. */
function unsupportedCodec(stream: CameraStream): WireError & { codec: string } {
  const codec = stream.plan?.codec.label ?? 'unknown codec';
  return { code: 'CODEC_UNSUPPORTED', message: `${codec}: 허브가 재생할 수 없는 코덱입니다 (a codec the hub cannot serve)`, codec };
}

/** Whether a receiver offers H.264 constrained baseline with packetization-mode 1 (what the transcode sends). */
function offersConstrainedBaseline(capabilities: ms.RtpCapabilities): boolean {
  return (capabilities.codecs ?? []).some((codec) => {
    const parameters = codec.parameters ?? {};
    return (
      codec.mimeType.toLowerCase() === 'video/h264' &&
      String(parameters['packetization-mode'] ?? '0') === '1' &&
      /^42/i.test(String(parameters['profile-level-id'] ?? '42'))
    );
  });
}
