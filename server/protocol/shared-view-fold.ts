/**
 * The shared view as the fold of its operations: pure, and the same on both ends — the hub folds
 * what it stores (tiles hold `{ cameraId }`), a browser folds what it receives (tiles hold
 * `TileView`). Every op here was admitted by the hub already (server/shared-views/admit.ts), so
 * applying one never fails; only a gap in the versions does (the client then joins again with
 * `sinceVersion`).
 */
import {
  MAX_NOTES,
  VIEW_SLOTS,
  type Annotation,
  type ClientOp,
  type Invitee,
  type OpEnvelope,
  type UserRef,
  type ViewState
} from './shared-view.ts';

/** An op that does not follow the state's version: the client missed some and must catch up. */
export class VersionGapError extends Error {
  constructor(readonly have: number, readonly got: number) {
    super(`shared view: have version ${have}, got ${got}`);
    this.name = 'VersionGapError';
  }
}

export function sameUser(a: { subject: string; agency: string }, b: { subject: string; agency: string }): boolean {
  return a.subject === b.subject && a.agency === b.agency;
}

/** The state an `open` op (version 1) starts. */
export function openView<T>(viewId: string, envelope: OpEnvelope<T>): ViewState<T> {
  const { op } = envelope;
  if (op.type !== 'open' || envelope.version !== 1) throw new Error(`shared view ${viewId}: the first op must be open at version 1`);
  return {
    id: viewId,
    title: op.title,
    incidentId: op.incidentId,
    owner: op.owner,
    createdAt: envelope.at,
    version: 1,
    status: 'open',
    closedAt: null,
    layout: 4,
    tiles: Array.from({ length: VIEW_SLOTS }, () => null),
    map: null,
    annotations: [],
    removed: [],
    highlight: null,
    notes: [],
    presenter: op.owner,
    edit: 'presenter',
    invited: { agencies: [...op.invited.agencies], users: [...op.invited.users] },
    grants: []
  };
}

/**
 * The state after one more op. Returns `state` itself for an op already folded in (a duplicate
 * delivery); throws VersionGapError when ops are missing in between.
 */
export function applyOp<T>(state: ViewState<T>, envelope: OpEnvelope<T>): ViewState<T> {
  if (envelope.version <= state.version) return state;
  if (envelope.version !== state.version + 1) throw new VersionGapError(state.version, envelope.version);
  return { ...foldOne(state, envelope), version: envelope.version };
}

/** The view at the version of its last op: `ops` from version 1, in order. */
export function fold<T>(viewId: string, ops: Iterable<OpEnvelope<T>>): ViewState<T> {
  let state: ViewState<T> | undefined;
  for (const envelope of ops) state = state ? applyOp(state, envelope) : openView(viewId, envelope);
  if (!state) throw new Error(`shared view ${viewId}: no ops`);
  return state;
}

function foldOne<T>(state: ViewState<T>, { op, at, by, version }: OpEnvelope<T>): ViewState<T> {
  switch (op.type) {
    case 'open':
      return state;
    case 'layout':
      return { ...state, layout: op.layout, highlight: state.highlight !== null && state.highlight >= op.layout ? null : state.highlight };
    case 'tile.set':
      return { ...state, tiles: withTile(state.tiles, op.slot, op.tile) };
    case 'tile.clear':
      return { ...state, tiles: withTile(state.tiles, op.slot, null), highlight: state.highlight === op.slot ? null : state.highlight };
    case 'map.view':
      return { ...state, map: { center: { ...op.center }, zoom: op.zoom } };
    case 'annotation.add': {
      if (state.annotations.some((a) => a.id === op.id) || state.removed.includes(op.id)) return state;
      const annotation: Annotation = { id: op.id, kind: op.kind, label: op.label, geometry: op.geometry, author: by, createdAt: at, updatedAt: at, updatedBy: by };
      return { ...state, annotations: [...state.annotations, annotation] };
    }
    case 'annotation.update':
      return {
        ...state,
        annotations: state.annotations.map((a) =>
          a.id !== op.id
            ? a
            : { ...a, ...(op.kind !== undefined ? { kind: op.kind } : {}), ...(op.label !== undefined ? { label: op.label } : {}), ...(op.geometry !== undefined ? { geometry: op.geometry } : {}), updatedAt: at, updatedBy: by }
        )
      };
    case 'annotation.remove':
      if (!state.annotations.some((a) => a.id === op.id)) return state;
      return { ...state, annotations: state.annotations.filter((a) => a.id !== op.id), removed: [...state.removed, op.id] };
    case 'highlight':
      return { ...state, highlight: op.slot };
    case 'note':
      return { ...state, notes: [...state.notes, { version, text: op.text, author: by, at }].slice(-MAX_NOTES) };
    case 'presenter':
      return { ...state, presenter: op.to };
    case 'rights':
      return { ...state, edit: op.edit };
    case 'invite':
      return {
        ...state,
        invited: {
          agencies: [...new Set([...state.invited.agencies, ...op.agencies])],
          users: [...state.invited.users, ...op.users.filter((u) => !state.invited.users.some((v) => sameUser(u, v)))]
        }
      };
    case 'uninvite': {
      const invited = {
        agencies: state.invited.agencies.filter((a) => !op.agencies.includes(a)),
        users: state.invited.users.filter((u) => !op.users.some((v) => sameUser(u, v)))
      };
      const next = { ...state, invited };
      // A presenter who is no longer invited hands back to the owner.
      return mayJoin(next, state.presenter) ? next : { ...next, presenter: state.owner };
    }
    case 'grant.extended':
      return { ...state, grants: [...state.grants.filter((g) => g.agency !== op.agency), { agency: op.agency, grantId: op.grantId, expiresAt: op.expiresAt }] };
    case 'close':
      return { ...state, status: 'closed', closedAt: at };
  }
}

function withTile<T>(tiles: ReadonlyArray<T | null>, slot: number, tile: T | null): Array<T | null> {
  const next = [...tiles];
  next[slot] = tile;
  return next;
}

/** Whether a person (or wall) may be in the view: its owner, one of an invited agency, or invited by name. */
export function mayJoin(state: Pick<ViewState<unknown>, 'owner' | 'invited'>, user: { subject: string; agency: string }): boolean {
  return sameUser(state.owner, user) || state.invited.agencies.includes(user.agency) || state.invited.users.some((u: Invitee) => sameUser(u, user));
}

/** What one participant may do in a view. */
export interface ViewRights {
  /** Layout, tiles, annotations, highlight, notes. */
  content: boolean;
  /** The shared map (the presenter's: followers follow it). */
  map: boolean;
  /** Presenter, rights, invitations, close, grant extension. */
  owner: boolean;
}

/** Walls never edit; the owner always may; otherwise the view's edit rights say. */
export function rightsOf(state: Pick<ViewState<unknown>, 'owner' | 'presenter' | 'edit' | 'status'>, actor: { subject: string; agency: string; role: string }): ViewRights {
  if (actor.role === 'wall' || state.status !== 'open') return { content: false, map: false, owner: false };
  const owner = sameUser(state.owner, actor);
  const presenter = sameUser(state.presenter, actor);
  const content = owner || state.edit === 'everyone' || (state.edit === 'presenter' && presenter);
  return { content, map: owner || presenter, owner };
}

/** The op that undoes `user`'s latest annotation still on the map (undo is an op like any other), or undefined. */
export function undoOp(state: Pick<ViewState<unknown>, 'annotations'>, user: UserRef | { subject: string; agency: string }): Extract<ClientOp, { type: 'annotation.remove' }> | undefined {
  const own = state.annotations.filter((a) => sameUser(a.author, user));
  const latest = own.at(-1);
  return latest ? { type: 'annotation.remove', id: latest.id } : undefined;
}

/** The same state with each tile mapped (the hub's `{ cameraId }` to what one participant may receive). */
export function mapTiles<A, B>(state: ViewState<A>, tile: (value: A) => B): ViewState<B> {
  return { ...state, tiles: state.tiles.map((t) => (t === null ? null : tile(t))) };
}
