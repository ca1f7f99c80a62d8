/**
 * Whether one participant's change may enter a view, and as which stored op: edit rights,
 * owner-only controls, annotations that exist (or were removed), cameras the sender may see.
 * Pure: the caller supplies the view's state, who asks, and what the hub knows (who is in the
 * view, which cameras the sender may see). Conflicts need no merge: the hub's order decides,
 * last writer wins per field (see shared-view-fold.ts); an op on a removed annotation is refused.
 */
import { HubError } from '../protocol/errors.ts';
import { mayJoin, rightsOf, sameUser } from '../protocol/shared-view-fold.ts';
import { MAX_ANNOTATIONS, type ClientOp, type UserRef, type ViewOp, type ViewState } from '../protocol/shared-view.ts';

/** What the hub keeps on a tile: the camera's id (what each participant receives is resolved per participant). */
export interface StoredTile {
  cameraId: string;
}

export type StoredState = ViewState<StoredTile>;
export type StoredOp = ViewOp<StoredTile>;

/** Who asks: the person (or wall) as the view names them, and their role. */
export interface Actor extends UserRef {
  role: string;
}

export interface AdmitContext {
  /** The participant as they are in the view now (their display name), if present. */
  participant(user: { subject: string; agency: string }): UserRef | undefined;
  /** Whether the sender may see this camera (decideView). */
  canSee(cameraId: string): boolean;
}

export function admitOp(state: StoredState, actor: Actor, request: { baseVersion: number; op: ClientOp }, context: AdmitContext): StoredOp {
  if (state.status !== 'open') throw new HubError('VIEW_CLOSED', '종료된 상황 공유입니다 (the shared view is closed)');
  if (request.baseVersion > state.version) throw new HubError('BAD_REQUEST', `아직 없는 버전입니다 (baseVersion ${request.baseVersion} > ${state.version})`);
  const rights = rightsOf(state, actor);
  const { op } = request;
  switch (op.type) {
    case 'layout':
    case 'tile.clear':
    case 'highlight':
    case 'note':
      requireRight(rights.content);
      return op;
    case 'tile.set':
      requireRight(rights.content);
      if (!context.canSee(op.cameraId)) throw new HubError('CAMERA_OUT_OF_SCOPE', '이 카메라를 볼 권한이 없습니다 (camera outside your scope)');
      return { type: 'tile.set', slot: op.slot, tile: { cameraId: op.cameraId } };
    case 'map.view':
      requireRight(rights.map, '발표자만 공유 지도를 움직일 수 있습니다 (only the presenter moves the shared map)');
      return op;
    case 'annotation.add':
      requireRight(rights.content);
      if (state.annotations.some((a) => a.id === op.id) || state.removed.includes(op.id)) throw new HubError('BAD_REQUEST', `이미 쓰인 표시 id입니다 (annotation id ${op.id} taken)`);
      if (state.annotations.length >= MAX_ANNOTATIONS) throw new HubError('BAD_REQUEST', `표시는 ${MAX_ANNOTATIONS}개까지입니다 (too many annotations)`);
      return op;
    case 'annotation.update':
    case 'annotation.remove': {
      if (state.removed.includes(op.id)) throw new HubError('ANNOTATION_REMOVED', '이미 지워진 표시입니다 (the annotation was removed)');
      const annotation = state.annotations.find((a) => a.id === op.id);
      if (!annotation) throw new HubError('NOT_FOUND', '없는 표시입니다 (no such annotation)');
      // Its author (undo is a remove), the owner, or a presenter who may edit.
      const own = sameUser(annotation.author, actor) && actor.role !== 'wall';
      requireRight(own || rights.owner || (rights.content && sameUser(state.presenter, actor)), '자신의 표시만 고칠 수 있습니다 (only the author, presenter or owner changes an annotation)');
      return op;
    }
    case 'presenter': {
      requireRight(rights.owner, ownerOnly);
      const to = sameUser(op.to, state.owner) ? state.owner : context.participant(op.to);
      // A person in the view now (walls never present), still invited.
      if (!to || !mayJoin(state, to)) throw new HubError('BAD_REQUEST', '참여 중인 사람에게만 발표를 넘길 수 있습니다 (hand over to a participant)');
      return { type: 'presenter', to: { subject: to.subject, agency: to.agency, name: to.name } };
    }
    case 'rights':
      requireRight(rights.owner, ownerOnly);
      return op;
    case 'invite':
    case 'uninvite':
      requireRight(rights.owner, ownerOnly);
      return { type: op.type, agencies: [...new Set(op.agencies)], users: op.users };
    case 'close':
      requireRight(rights.owner, ownerOnly);
      return { type: 'close', reason: 'owner' };
  }
}

const ownerOnly = '상황 공유를 연 사람만 할 수 있습니다 (owner only)';

function requireRight(allowed: boolean, message = '이 상황 공유를 고칠 권한이 없습니다 (you may not edit this shared view)'): void {
  if (!allowed) throw new HubError('VIEW_READ_ONLY', message);
}
