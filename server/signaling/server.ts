/**
 * The Socket.IO edge: verifies the token at the handshake, parses every request against its
 * schema, rate-limits each socket, and turns whatever a handler throws into a typed wire
 * error. One misbehaving client never affects another: nothing it sends can reach a handler
 * unparsed, and no exception escapes to the process.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Principal } from '../auth/principal.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { COST, requestCost, userKey, type Budget } from '../budget.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { HubError, type WireError } from '../protocol/errors.ts';
import type { Dispatch } from '../protocol/dispatch.ts';
import type { Ack, ClientToServerEvents, ResponseOf, Result, ServerToClientEvents } from '../protocol/events.ts';
import type { GrantsChangedEvent } from '../protocol/grants.ts';
import type { IncidentsChangedEvent } from '../protocol/incidents.ts';
import type { PursuitChangedEvent } from '../protocol/pursuit.ts';
import type { LprHitEvent } from '../protocol/lpr.ts';
import { requestSchemas, type RequestName, type RequestOf } from '../protocol/schemas.ts';
import type { ViewRequestName } from '../protocol/shared-view.ts';
import type { AlarmChangedEvent, AlarmRequestName } from '../protocol/alerts.ts';
import type { AuditInput } from '../audit/types.ts';
import type { Refusal } from '../audit/refusal-tally.ts';
import { socketRequestParser } from './request-parser.ts';
import { Viewer, type AuditSink, type ViewerDeps } from './viewer.ts';

interface SocketData {
  principal: Principal;
  token: string;
}

interface Session {
  viewer: Viewer;
  socket: HubSocket;
  token: string;
  end(reason: WireError): void;
  refreshExpiry(): void;
}

export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A request's handler: the parsed request in, its ack's type out. */
export type Handler<N extends RequestName> = (req: RequestOf<N>) => ResponseOf<N> | Promise<ResponseOf<N>>;

/** One session as the shared views see it: its socket and who it is now. */
export interface DomainSession {
  socket: HubSocket;
  principal(): Principal;
  clientAddress: string;
}

/** The shared views' requests of a new session, handled behind the same edge; `close()` runs when the session ends. */
export type ViewDomain = (session: DomainSession) => {
  handlers: { [N in ViewRequestName]: Handler<N> };
  close(): void;
};
/** The alarm queue's requests of a session (server/alerts/socket.ts), behind the same edge. */
export type AlarmDomain = (session: DomainSession) => { [N in AlarmRequestName]: Handler<N> };
export type HubIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SignalingOptions {
  /** Token → principal, with every check (signature, issuer, expiry, revocation). */
  verify: (token: unknown) => Promise<Principal>;
  /** Whether a handshake's `Origin` header (absent for non-browser clients) may open a session. */
  originAllowed: (origin: string | undefined) => boolean;
  viewerDeps: Omit<ViewerDeps, 'principal' | 'send' | 'log' | 'audit' | 'record' | 'clientAddress'>;
  /** Where views are recorded (durably before the view opens: a view whose record fails is refused). */
  audit: AuditSink;
  /** Records that gate nothing (sessions started and ended): written after the answer, best effort. */
  record: (input: AuditInput) => void;
  /** A refused handshake, counted per source address and reason (anyone can cause one: it must cost next to nothing). */
  refusedHandshake: (refusal: Refusal) => void;
  log: Logger;
  metrics: Metrics;
  /** Requests per second a socket may make on average, and the burst it may spend at once. */
  rate: { perSecond: number; burst: number };
  /** What each user and agency may spend over all its sockets (and the HTTP API). */
  budget: Budget;
  maxPayloadBytes: number;
  /** Concurrent sessions one user may hold: the per-socket rate limit must not multiply by sockets. */
  maxSessionsPerUser: number;
  /** A session that has not sent media:join by then is closed. */
  joinTimeoutMs: number;
  /** The shared views' requests (server/shared-views/socket.ts), through the same edge (schemas, rate, budget, typed errors). */
  views: ViewDomain;
  alarms: AlarmDomain;
  /** How many sessions are connected, after each one starts or ends (work that only serves sessions pauses at 0). */
  sessionsChanged?: (count: number) => void;
}

export interface Signaling {
  io: HubIo;
  /** Re-decides every session's views (a grant ended, a policy changed). */
  reevaluate(): void;
  /** Tells those of an agency's sessions whose visible cameras changed (a grant) to list again. */
  camerasChanged(agency: string): void;
  /** Tells an agency's sessions that an incident changed (their incident lists update live). */
  incidentsChanged(agency: string, event: IncidentsChangedEvent): void;
  /** Tells the sessions of each named agency what it sees of a grant that changed. */
  grantsChanged(events: ReadonlyMap<string, GrantsChangedEvent>): void;
  /** Sends each session of the alerted agencies a wanted-vehicle hit, as its role may see it (plates masked or not). */
  lprHit(agencies: ReadonlySet<string>, view: (principal: Principal) => LprHitEvent): void;
  /** Sends each of an agency's sessions its own view of a pursuit that changed (plates as its role may see them). */
  pursuitChanged(agency: string, view: (principal: Principal) => PursuitChangedEvent): void;
  /** Sends each session of an alarm's recipient agencies its own view of the alarm (a guardian's contact as its role may see it). */
  alarmChanged(agencies: ReadonlySet<string>, view: (principal: Principal) => AlarmChangedEvent): void;
  /** Ends, in every session, the views opened for an incident that closed (INCIDENT_CLOSED). */
  incidentClosed(incidentId: string): void;
  /** Sends each of an agency's sessions its own view of an incident's dispatch. */
  dispatchChanged(agency: string, view: (principal: Principal) => Dispatch | undefined): void;
  /** Re-verifies every session's token (issuer keys reloaded, a user revoked); ends those that fail. */
  reverify(): Promise<void>;
  viewers(): number;
  /** Consumers (pictures being sent) across all sessions. */
  consumers(): number;
  close(): Promise<void>;
}

export function attachSignaling(http: HttpServer, options: SignalingOptions): Signaling {
  const { log, metrics } = options;
  const io: HubIo = new Server(http, {
    maxHttpBufferSize: options.maxPayloadBytes,
    serveClient: false,
    // Same origin only: the pages are served by this very server.
    cors: undefined,
    // A page of another origin cannot ride on a token it got hold of; refused before any work.
    allowRequest: (req, callback) => {
      const allowed = options.originAllowed(req.headers.origin);
      if (!allowed) metrics.inc('gth_auth_refusals_total', 'Refused handshakes by code', { code: 'ORIGIN_REFUSED' });
      callback(null, allowed);
    }
  });
  const sessions = new Set<Session>();
  const counted = () => {
    metrics.set('gth_viewers', 'Connected viewer sessions', {}, sessions.size);
    options.sessionsChanged?.(sessions.size);
  };
  const audit = options.record;
  /**
   * A user's costly requests (searches) run one at a time, each in its own event-loop turn: a
   * burst of them from many sockets, all within budget, would otherwise run back to back in one
   * turn and hold up everyone else's requests for its whole length.
   */
  const lanes = new Map<string, Promise<void>>();
  const inLane = <T>(key: string, work: () => T): Promise<Awaited<T>> => {
    const run = (lanes.get(key) ?? Promise.resolve()).then(() => nextTurn()).then(work);
    const settled = run.then(
      () => undefined,
      () => undefined
    );
    lanes.set(key, settled);
    void settled.then(() => {
      if (lanes.get(key) === settled) lanes.delete(key);
    });
    return run as Promise<Awaited<T>>;
  };

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    options.verify(token).then(
      (principal) => {
        let held = 0;
        for (const { viewer } of sessions) if (viewer.principal.subject === principal.subject && viewer.principal.agency.id === principal.agency.id) held++;
        if (held >= options.maxSessionsPerUser) {
          const refusal = new Error('동시 접속이 너무 많습니다 (too many sessions for this user)') as Error & { data: WireError };
          refusal.data = { code: 'RATE_LIMITED', message: refusal.message };
          options.refusedHandshake({ code: 'RATE_LIMITED', subject: principal.subject, agency: principal.agency.id, clientAddress: socket.handshake.address });
          next(refusal);
          return;
        }
        socket.data.principal = principal;
        socket.data.token = token as string;
        next();
      },
      (error: unknown) => {
        const wire = toWire(error, log);
        options.refusedHandshake({ code: wire.code, clientAddress: socket.handshake.address });
        metrics.inc('gth_auth_refusals_total', 'Refused handshakes by code', { code: wire.code });
        log.debug('handshake refused', { code: wire.code, address: socket.handshake.address });
        const refusal = new Error(wire.message) as Error & { data: WireError };
        refusal.data = wire;
        next(refusal);
      }
    );
  });

  io.on('connection', (socket: HubSocket) => {
    const principal = socket.data.principal;
    const clientAddress = socket.handshake.address;
    // The views hold the session lazily (principal, review): both exist before any request arrives.
    const domainSession: DomainSession = { socket, principal: () => viewer.principal, clientAddress };
    const views = options.views(domainSession);
    const viewer = new Viewer({
      ...options.viewerDeps,
      principal,
      audit: options.audit,
      record: options.record,
      clientAddress,
      log,
      send: (event, ...args) => socket.emit(event, ...args)
    });
    const who = () => ({ subject: viewer.principal.subject, agency: viewer.principal.agency.id, role: viewer.principal.role, clientAddress });
    audit({ action: 'session.start', outcome: 'allowed', ...who(), ...(principal.purpose ? { purpose: principal.purpose } : {}) });
    log.info('viewer connected', { subject: principal.subject, agency: principal.agency.id, address: clientAddress });

    let ended = false;
    const end = (reason: WireError) => {
      if (ended) return;
      ended = true;
      socket.emit('session:ended', reason);
      viewer.close(reason);
      audit({ action: 'session.end', outcome: 'info', code: reason.code, ...who() });
      socket.disconnect(true);
    };
    // The token's lifetime is the session's lifetime: media stops when it expires, unless refreshed.
    let expiry: NodeJS.Timeout | undefined;
    const refreshExpiry = () => {
      clearTimeout(expiry);
      // A refresh that finished verifying after the socket went away must not leave a timer.
      if (ended || !socket.connected) return;
      expiry = setTimeout(
        () => end({ code: 'AUTH_TOKEN_EXPIRED', message: '토큰이 만료되어 영상을 중단했습니다 (token expired)' }),
        Math.max(0, Math.min(viewer.principal.expiresAt - Date.now(), 2 ** 31 - 1))
      );
    };
    refreshExpiry();
    const session: Session = { viewer, socket, token: socket.data.token, end, refreshExpiry };
    sessions.add(session);
    counted();

    let joined = false;
    const joinTimer = setTimeout(() => {
      if (!joined) end({ code: 'NOT_JOINED', message: '세션 시작이 완료되지 않아 연결을 닫습니다 (join timed out)' });
    }, options.joinTimeoutMs);

    const bucket = { tokens: options.rate.burst, at: Date.now() };
    const allow = () => {
      const now = Date.now();
      bucket.tokens = Math.min(options.rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.rate.perSecond);
      bucket.at = now;
      if (bucket.tokens < 1) return false;
      bucket.tokens--;
      return true;
    };

    // Every request event has its handler (a missing one does not compile), answering its ack's type.
    const handlers: { [N in RequestName]: Handler<N> } = {
      ...views.handlers,
      ...options.alarms(domainSession),
      // Synchronous on purpose: the web client sends transport:create right behind the join,
      // before its answer, and relies on this socket's requests being handled in order.
      'media:join': () => {
        joined = true;
        clearTimeout(joinTimer);
        return viewer.join();
      },
      'cameras:list': (req) => viewer.listCameras(req),
      'cameras:get': (req) => ({ cameras: viewer.getCameras(req) }),
      'transport:create': () => viewer.createTransport(),
      'transport:connect': (req) => viewer.connectTransport(req),
      'camera:watch': (req) => viewer.watch(req),
      'camera:unwatch': (req) => viewer.unwatch(req),
      'camera:still': (req) => viewer.still(req),
      'consumer:resume': (req) => viewer.resume(req),
      'session:refresh': async ({ token }) => {
        const next = await options.verify(token);
        if (ended) throw new HubError('SHUTTING_DOWN', '세션이 이미 끝났습니다 (session already ended)');
        const current = viewer.principal;
        if (next.subject !== current.subject || next.agency.id !== current.agency.id || next.issuer !== current.issuer) {
          throw new HubError('AUTH_INVALID_TOKEN', '같은 사용자의 토큰이 아닙니다 (token is for another user)');
        }
        session.token = token;
        viewer.refresh(next);
        refreshExpiry();
        return { expiresAt: next.expiresAt };
      }
    };

    const parse = socketRequestParser();
    /** A known request, parsed, within budget, handled: its result as the ack carries it. */
    const run = async <N extends RequestName>(name: N, payload: unknown): Promise<Result<ResponseOf<N>>> => {
      const parsed = parse(name, payload);
      if (!parsed.success) return { ok: false, error: { code: 'BAD_REQUEST', message: describeIssue(name, parsed.error.issues[0]) } };
      const request = parsed.data as RequestOf<N>;
      // Over the user's (or agency's) budget: refused before any work, however many sockets ask.
      const cost = requestCost(name, request);
      if (!options.budget.spend(viewer.principal, cost)) return { ok: false, error: RATE_LIMITED };
      try {
        const work = () => handlers[name](request);
        return { ok: true, data: await (cost >= COST.search ? inLane(userKey(viewer.principal), work) : work()) };
      } catch (error) {
        return { ok: false, error: toWire(error, log) };
      }
    };

    // One entry point for every event, known or not, so nothing a client sends goes unanswered.
    socket.onAny(async (event: unknown, ...args: unknown[]) => {
      const name = typeof event === 'string' && Object.hasOwn(requestSchemas, event) ? (event as RequestName) : undefined;
      const label = name ?? 'unknown';
      // The ack is whatever function came last; a call without one gets no answer (nothing to answer to).
      const ack = args.at(-1);
      if (typeof ack !== 'function') {
        metrics.inc('gth_requests_total', 'Signaling requests by event and outcome', { event: label, outcome: 'NO_ACK' });
        return;
      }
      const result: Result<unknown> = !allow()
        ? { ok: false, error: RATE_LIMITED }
        : name
          ? await run(name, args.length >= 2 ? args[0] : undefined)
          : { ok: false, error: { code: 'BAD_REQUEST', message: '알 수 없는 요청입니다 (unknown event)' } };
      metrics.inc('gth_requests_total', 'Signaling requests by event and outcome', { event: label, outcome: result.ok ? 'ok' : result.error.code });
      if (socket.connected) (ack as Ack<unknown>)(result);
    });

    socket.on('disconnect', (reason) => {
      clearTimeout(expiry);
      clearTimeout(joinTimer);
      viewer.close();
      views.close();
      if (!ended) audit({ action: 'session.end', outcome: 'info', ...who(), detail: { reason } });
      ended = true;
      sessions.delete(session);
      counted();
      log.info('viewer disconnected', { subject: principal.subject, reason });
    });
  });

  return {
    io,
    viewers: () => sessions.size,
    consumers: () => {
      let count = 0;
      for (const { viewer } of sessions) count += viewer.consumerCount;
      return count;
    },
    reevaluate: () => {
      for (const { viewer } of sessions) viewer.reevaluate();
    },
    dispatchChanged: (agency, view) => {
      for (const { viewer, socket } of sessions) {
        if (viewer.principal.agency.id !== agency) continue;
        const dispatch = view(viewer.principal);
        if (dispatch) socket.emit('incident:dispatch', dispatch);
      }
    },
    camerasChanged: (agency) => {
      for (const { viewer } of sessions) if (viewer.principal.agency.id === agency) viewer.noticeCamerasChanged();
    },
    incidentsChanged: (agency, event) => {
      for (const { viewer, socket } of sessions) if (viewer.principal.agency.id === agency) socket.emit('incidents:changed', event);
    },
    grantsChanged: (events) => {
      for (const { viewer, socket } of sessions) {
        const event = events.get(viewer.principal.agency.id);
        if (event) socket.emit('grants:changed', event);
      }
    },
    lprHit: (agencies, view) => {
      for (const { viewer, socket } of sessions) if (agencies.has(viewer.principal.agency.id)) socket.emit('lpr:hit', view(viewer.principal));
    },
    alarmChanged: (agencies, view) => {
      for (const { viewer, socket } of sessions) if (agencies.has(viewer.principal.agency.id)) socket.emit('alarm:changed', view(viewer.principal));
    },
    pursuitChanged: (agency, view) => {
      for (const { viewer, socket } of sessions) if (viewer.principal.agency.id === agency) socket.emit('pursuit:changed', view(viewer.principal));
    },
    incidentClosed: (incidentId) => {
      for (const { viewer } of sessions) viewer.endIncident(incidentId);
    },
    reverify: async () => {
      await Promise.all(
        [...sessions].map(async (session) => {
          try {
            await options.verify(session.token);
          } catch (error) {
            const wire = toWire(error, log);
            // A token that verified before and fails now lost its key (or its user was revoked).
            session.end(
              wire.code === 'TOKEN_REVOKED' || wire.code === 'AUTH_TOKEN_EXPIRED'
                ? wire
                : { code: 'KEY_WITHDRAWN', message: '발급기관의 서명 키가 철회되어 영상을 중단했습니다 (issuer key withdrawn)' }
            );
          }
        })
      );
    },
    close: async () => {
      for (const session of [...sessions]) session.end({ code: 'SHUTTING_DOWN', message: '허브가 종료됩니다 (hub shutting down)' });
      await io.close();
    }
  };
}

const RATE_LIMITED: WireError = { code: 'RATE_LIMITED', message: '요청이 너무 많습니다 (too many requests)' };

/** A short, human message for the first schema problem (never the whole payload echoed back). */
function describeIssue(event: string, issue: { path: PropertyKey[]; message: string; code: string } | undefined): string {
  if (!issue) return `잘못된 요청입니다 (${event}: invalid)`;
  const where = issue.path.slice(0, 6).map(String).join('.').slice(0, 80) || 'payload';
  const what = issue.code === 'unrecognized_keys' ? 'unexpected keys' : issue.message.slice(0, 120);
  return `잘못된 요청입니다 (${event}: ${where} ${what})`;
}

/** The only way an error leaves the hub: a code and a message, never a stack. */
export function toWire(error: unknown, log: Logger): WireError {
  if (error instanceof HubError) return error.toWire();
  log.error('unexpected error in request', { error: error instanceof Error ? error.stack : String(error) });
  return { code: 'INTERNAL', message: '허브 내부 오류입니다 (internal error)' };
}
