/**
 * One shared view: its state (the fold of its ops), the sessions in it and their Socket.IO room,
 * and the timer that snapshots its tail. The one owner of all three; close() releases them (the
 * view itself lives on in the store — `end()` is what closes it for everyone). Each op goes out
 * once per room, except a pushed camera: each participant receives it as *their* scope resolves
 * it, so a camera one may not see reaches them as `{ withheld: true }`, without id or name.
 */
import type { Principal } from '../auth/principal.ts';
import type { AuditInput } from '../audit/types.ts';
import type { WireError } from '../protocol/errors.ts';
import { applyOp, mapTiles, mayJoin, openView, sameUser } from '../protocol/shared-view-fold.ts';
import type { ServerToClientEvents } from '../protocol/events.ts';
import type {
  ClientOp,
  JoinViewResponse,
  OpEnvelope,
  Participant,
  TileView,
  UserRef,
  ViewSnapshot,
  ViewSummary,
  WireEnvelope
} from '../protocol/shared-view.ts';
import { admitOp, type StoredOp, type StoredState, type StoredTile } from './admit.ts';
import type { SharedViewStore } from './store.ts';

type ViewEvents = Pick<ServerToClientEvents, 'view:ops' | 'view:tiles' | 'view:participants' | 'view:ended'>;
export type ViewEmit = <E extends keyof ViewEvents>(event: E, ...args: Parameters<ViewEvents[E]>) => void;

/** A session (one socket) as a view sees it. */
export interface ViewSession {
  /** The socket's id (itself a Socket.IO room). */
  readonly id: string;
  principal(): Principal;
  readonly clientAddress: string;
  enter(room: string): void;
  exit(room: string): void;
  emit: ViewEmit;
}

/** The one publish path of views: to everyone in a room, or to named sessions (socket ids are rooms too, so an adapter can carry both). */
export interface ViewPublisher {
  to(rooms: string | string[]): { emit: ViewEmit };
}

export interface SharedViewDeps {
  store: SharedViewStore;
  publisher: ViewPublisher;
  /** A tile as this principal may receive it (decideView). */
  resolve(principal: Principal, tile: StoredTile): TileView;
  /** Whether this principal may see the camera (what it may push). */
  canSee(principal: Principal, cameraId: string): boolean;
  record(input: AuditInput): void;
  /** Ops between stored snapshots; the tail is also snapshotted this long after the last op. */
  snapshotEvery: number;
  snapshotAfterMs: number;
  /** A rejoin this many ops behind or fewer gets the ops; further behind, a snapshot. */
  resumeOps: number;
  now?: () => number;
}

interface Present {
  session: ViewSession;
  user: UserRef;
  role: string;
}

export function userOf(principal: Principal): UserRef {
  return { subject: principal.subject, agency: principal.agency.id, name: principal.name };
}

export class SharedView {
  #state: StoredState;
  readonly #deps: SharedViewDeps;
  readonly #room: string;
  readonly #present = new Map<string, Present>();
  #unsnapshotted = 0;
  #snapshotTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(state: StoredState, deps: SharedViewDeps) {
    this.#state = state;
    this.#deps = deps;
    this.#room = `view:${state.id}`;
  }

  /** Opens a new view: its first op, stored before anyone sees it. */
  static open(viewId: string, by: Principal, init: { title: string; incidentId: string | null; invited: { agencies: string[]; users: Array<{ subject: string; agency: string }> } }, deps: SharedViewDeps): SharedView {
    const owner = userOf(by);
    const envelope: OpEnvelope<StoredTile> = { version: 1, at: (deps.now ?? Date.now)(), by: owner, op: { type: 'open', title: init.title, incidentId: init.incidentId, owner, invited: init.invited } };
    deps.store.append(viewId, envelope);
    const view = new SharedView(openView(viewId, envelope), deps);
    deps.store.snapshot(view.#state);
    return view;
  }

  get id(): string {
    return this.#state.id;
  }

  get state(): StoredState {
    return this.#state;
  }

  get open(): boolean {
    return this.#state.status === 'open' && !this.#closed;
  }

  has(session: ViewSession): boolean {
    return this.#present.has(session.id);
  }

  /** Whether this principal may be in the view (owner, an invited agency, or invited by name). */
  admits(principal: Principal): boolean {
    return mayJoin(this.#state, { subject: principal.subject, agency: principal.agency.id });
  }

  summary(): ViewSummary {
    const { id, title, incidentId, owner, presenter, createdAt, version } = this.#state;
    return { id, title, incidentId, owner, presenter, createdAt, version, participants: this.participants().length };
  }

  /** Joins (or rejoins) a session: the ops it missed when it is not far behind, else the state as it may see it. */
  join(session: ViewSession, sinceVersion: number | undefined): JoinViewResponse {
    const principal = session.principal();
    const rejoin = this.#present.has(session.id);
    this.#present.set(session.id, { session, user: userOf(principal), role: principal.role });
    session.enter(this.#room);
    if (!rejoin) {
      this.#audit('share.joined', principal, session.clientAddress, { role: principal.role, ...(sinceVersion !== undefined ? { sinceVersion } : {}) });
      this.#publishParticipants();
    }
    const participants = this.participants();
    const behind = sinceVersion === undefined ? Infinity : this.#state.version - sinceVersion;
    if (behind >= 0 && behind <= this.#deps.resumeOps) {
      const ops = this.#deps.store.opsAfter(this.id, sinceVersion!, behind).map((envelope) => this.#wire(envelope, principal));
      return { kind: 'ops', viewId: this.id, ops, tiles: this.snapshotFor(principal).tiles, participants };
    }
    return { kind: 'snapshot', view: this.snapshotFor(principal), participants };
  }

  /** The session leaves (asked, disconnected, or removed with `reason`). */
  leave(session: ViewSession, reason?: WireError): void {
    const present = this.#present.get(session.id);
    if (!present) return;
    this.#present.delete(session.id);
    session.exit(this.#room);
    if (reason) session.emit('view:ended', { viewId: this.id, reason });
    this.#audit('share.left', session.principal(), session.clientAddress, reason ? { code: reason.code } : {});
    this.#publishParticipants();
  }

  /** The state as this principal may see it (its tiles resolved by its own scope). */
  snapshotFor(principal: Principal): ViewSnapshot {
    return mapTiles(this.#state, (tile) => this.#deps.resolve(principal, tile));
  }

  participants(): Participant[] {
    const byUser = new Map<string, Participant>();
    for (const { user, role } of this.#present.values()) {
      const key = `${user.agency}\u0000${user.subject}`;
      const seen = byUser.get(key);
      if (seen) seen.sessions++;
      else byUser.set(key, { ...user, role, sessions: 1 });
    }
    return [...byUser.values()];
  }

  /** A participant's change: admitted (rights, order), stored, folded, sent; answered as the sender sees it. */
  change(session: ViewSession, request: { baseVersion: number; op: ClientOp }): WireEnvelope {
    const principal = session.principal();
    const actor = { ...userOf(principal), role: principal.role };
    const op = admitOp(this.#state, actor, request, {
      participant: (user) => [...this.#present.values()].find((p) => p.role !== 'wall' && sameUser(p.user, user))?.user,
      canSee: (cameraId) => this.#deps.canSee(principal, cameraId)
    });
    const envelope = this.append(actor, op);
    if (op.type === 'tile.set') this.#audit('share.camera', principal, session.clientAddress, { slot: op.slot }, op.tile.cameraId);
    if (op.type === 'presenter') this.#audit('share.presenter', principal, session.clientAddress, { to: { subject: op.to.subject, agency: op.to.agency } });
    if (op.type === 'uninvite') this.#removeUninvited();
    if (op.type === 'close') this.#ended(principal, session.clientAddress, 'owner');
    return this.#wire(envelope, principal);
  }

  /** Stores, folds and publishes one op (a participant's, admitted; or the hub's own). */
  append(by: UserRef, op: StoredOp): OpEnvelope<StoredTile> {
    const envelope: OpEnvelope<StoredTile> = { version: this.#state.version + 1, at: (this.#deps.now ?? Date.now)(), by: { subject: by.subject, agency: by.agency, name: by.name }, op };
    this.#deps.store.append(this.id, envelope);
    this.#state = applyOp(this.#state, envelope);
    this.#publish(envelope);
    this.#unsnapshotted++;
    if (this.#unsnapshotted >= this.#deps.snapshotEvery) this.#snapshot();
    else this.#scheduleSnapshot();
    return envelope;
  }

  /** What some participants may see changed (a grant issued or ended): their tiles, re-resolved. */
  reresolve(agency: string): void {
    for (const { session } of this.#present.values()) {
      const principal = session.principal();
      if (principal.agency.id !== agency) continue;
      session.emit('view:tiles', { viewId: this.id, version: this.#state.version, tiles: this.snapshotFor(principal).tiles });
    }
  }

  /** Ends the view for everyone (the owner closed it, or its incident closed): the close op, then close(). */
  end(by: UserRef, reason: 'owner' | 'incident-closed'): void {
    if (!this.open) return;
    this.append(by, { type: 'close', reason });
    this.#ended(undefined, undefined, reason);
  }

  /** Releases the room, the sessions and the timer (at hub shutdown the view stays open in the store). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#snapshotTimer);
    if (this.#unsnapshotted > 0) this.#snapshot();
    for (const { session } of this.#present.values()) session.exit(this.#room);
    this.#present.clear();
  }

  #ended(principal: Principal | undefined, clientAddress: string | undefined, reason: 'owner' | 'incident-closed'): void {
    const owner = this.#state.owner;
    this.#deps.record({
      action: 'share.closed',
      outcome: 'info',
      subject: principal?.subject ?? owner.subject,
      agency: principal?.agency.id ?? owner.agency,
      ...(clientAddress ? { clientAddress } : {}),
      ...(this.#state.incidentId ? { incidentId: this.#state.incidentId } : {}),
      detail: { viewId: this.id, reason, version: this.#state.version }
    });
    const ended: WireError = { code: 'VIEW_CLOSED', message: reason === 'incident-closed' ? '사건이 종료되어 상황 공유를 닫았습니다 (incident closed)' : '상황 공유가 종료되었습니다 (the shared view was closed)' };
    for (const { session } of [...this.#present.values()]) this.leave(session, ended);
    this.close();
  }

  /** Sessions no longer invited leave at once. */
  #removeUninvited(): void {
    for (const { session } of [...this.#present.values()]) {
      if (!this.admits(session.principal())) this.leave(session, { code: 'VIEW_NOT_FOUND', message: '상황 공유 초대가 취소되었습니다 (no longer invited)' });
    }
  }

  /** An op as this principal receives it (a camera resolved by its scope; without a principal, withheld). */
  #wire(envelope: OpEnvelope<StoredTile>, principal: Principal | undefined): WireEnvelope {
    const { op } = envelope;
    if (op.type !== 'tile.set') return { ...envelope, op };
    return { ...envelope, op: { ...op, tile: principal ? this.#deps.resolve(principal, op.tile) : WITHHELD } };
  }

  /** Once to the room; a pushed camera once per way it resolves (seen, withheld), to the sessions it resolves that way for. */
  #publish(envelope: OpEnvelope<StoredTile>): void {
    const { publisher } = this.#deps;
    if (envelope.op.type !== 'tile.set') {
      publisher.to(this.#room).emit('view:ops', { viewId: this.id, ops: [this.#wire(envelope, undefined)] });
      return;
    }
    const groups = new Map<string, { ids: string[]; envelope: WireEnvelope }>();
    for (const { session } of this.#present.values()) {
      const wire = this.#wire(envelope, session.principal());
      const tile = wire.op.type === 'tile.set' ? wire.op.tile : undefined;
      const key = tile && 'camera' in tile ? 'seen' : 'withheld';
      const group = groups.get(key) ?? { ids: [], envelope: wire };
      group.ids.push(session.id);
      groups.set(key, group);
    }
    for (const { ids, envelope: wire } of groups.values()) publisher.to(ids).emit('view:ops', { viewId: this.id, ops: [wire] });
  }

  #publishParticipants(): void {
    if (this.#closed) return;
    this.#deps.publisher.to(this.#room).emit('view:participants', { viewId: this.id, participants: this.participants() });
  }

  #scheduleSnapshot(): void {
    if (this.#snapshotTimer || this.#closed) return;
    this.#snapshotTimer = setTimeout(() => {
      this.#snapshotTimer = undefined;
      if (this.#unsnapshotted > 0) this.#snapshot();
    }, this.#deps.snapshotAfterMs);
    this.#snapshotTimer.unref();
  }

  #snapshot(): void {
    clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = undefined;
    this.#deps.store.snapshot(this.#state);
    this.#unsnapshotted = 0;
  }

  #audit(action: 'share.joined' | 'share.left' | 'share.camera' | 'share.presenter', principal: Principal, clientAddress: string, detail: Record<string, unknown>, cameraId?: string): void {
    this.#deps.record({
      action,
      outcome: 'info',
      subject: principal.subject,
      agency: principal.agency.id,
      role: principal.role,
      clientAddress,
      ...(cameraId ? { cameraId } : {}),
      ...(this.#state.incidentId ? { incidentId: this.#state.incidentId } : {}),
      detail: { viewId: this.id, ...detail }
    });
  }
}

const WITHHELD: TileView = { withheld: true };
