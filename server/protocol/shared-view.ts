/**
 * The shared situation view (상황 공유) on the wire: what a client may ask (zod schemas, the edge
 * parses with these), the operations a view is the fold of, and what the hub sends back. A view's
 * state is generic over what a tile holds: the hub stores `{ cameraId }`, each participant
 * receives `TileView` (the camera, or `{ withheld: true }` when their own scope does not allow
 * it). The fold itself is in `shared-view-fold.ts`, shared by both ends.
 */
import { z } from 'zod';
import type { Ack, CameraInfo } from './events.ts';
import type { WireError } from './errors.ts';

export const VIEW_LAYOUTS = [1, 4, 9, 16] as const;
export type ViewLayout = (typeof VIEW_LAYOUTS)[number];
/** Slots a view holds whatever its layout (a smaller layout shows the first ones). */
export const VIEW_SLOTS = 16;

/** 통제구역 (closed area), 대피경로 (evacuation route), 집결지 (assembly point), 위험 (hazard). */
export const ANNOTATION_KINDS = ['통제구역', '대피경로', '집결지', '위험'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** Who may change the view's content: the owner alone, the presenter (and the owner), or every participant but walls. */
export const EDIT_RIGHTS = ['owner', 'presenter', 'everyone'] as const;
export type EditRights = (typeof EDIT_RIGHTS)[number];

/** Notes the view keeps (older ones drop off the timeline; the op log and the audit keep them). */
export const MAX_NOTES = 100;
/** Annotations a view may hold at once. */
export const MAX_ANNOTATIONS = 500;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/);
const viewId = z.string().regex(/^view-[0-9a-f-]{36}$/);
const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().trim().min(1).max(max);
const slot = z.number().int().min(0).max(VIEW_SLOTS - 1);
const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);
const point = z.object({ lat, lon }).strict();
const layoutSchema = z.literal(VIEW_LAYOUTS);
const annotationId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);
const agencyList = z.array(z.string().min(1).max(64)).max(32);

export const geometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('point'), coordinates: point }).strict(),
  z.object({ type: z.literal('line'), coordinates: z.array(point).min(2).max(500) }).strict(),
  /** A ring without its closing point (the first point is not repeated). */
  z.object({ type: z.literal('polygon'), coordinates: z.array(point).min(3).max(500) }).strict()
]);
export type Geometry = z.infer<typeof geometrySchema>;

/** A person (or a wall device) as the view names them: agency + subject is the key, name is for display. */
export const userRefSchema = z.object({ subject: z.string().min(1).max(128), agency: z.string().min(1).max(64) }).strict();
export interface UserRef {
  subject: string;
  agency: string;
  name: string;
}

export const inviteSchema = z
  .object({
    agencies: agencyList,
    users: z.array(userRefSchema).max(64).default([])
  })
  .strict();

/** What a participant may ask to change. The hub checks rights and order, assigns the version, and stores it as a `ViewOp`. */
export const clientOpSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('layout'), layout: layoutSchema }).strict(),
  /** Pushes a camera onto a tile; the sender must be allowed to see it. */
  z.object({ type: z.literal('tile.set'), slot, cameraId: id }).strict(),
  z.object({ type: z.literal('tile.clear'), slot }).strict(),
  /** The presenter's map (followers follow it). */
  z.object({ type: z.literal('map.view'), center: point, zoom: z.number().min(0).max(24) }).strict(),
  /** `id` is chosen by the client (unique in the view) so it can draw before the answer. */
  z.object({ type: z.literal('annotation.add'), id: annotationId, kind: z.enum(ANNOTATION_KINDS), label: z.string().trim().max(80), geometry: geometrySchema }).strict(),
  /** Last writer wins per field, in the hub's order. */
  z
    .object({
      type: z.literal('annotation.update'),
      id: annotationId,
      kind: z.enum(ANNOTATION_KINDS).optional(),
      label: z.string().trim().max(80).optional(),
      geometry: geometrySchema.optional()
    })
    .strict(),
  /** Also how a person undoes their own annotation. */
  z.object({ type: z.literal('annotation.remove'), id: annotationId }).strict(),
  z.object({ type: z.literal('highlight'), slot: slot.nullable() }).strict(),
  z.object({ type: z.literal('note'), text: text(280) }).strict(),
  /** Owner only: who presents now (the owner or an invited person). */
  z.object({ type: z.literal('presenter'), to: userRefSchema }).strict(),
  /** Owner only. */
  z.object({ type: z.literal('rights'), edit: z.enum(EDIT_RIGHTS) }).strict(),
  /** Owner only. */
  inviteSchema.extend({ type: z.literal('invite') }),
  /** Owner only; those removed leave the view at once (`view:ended`). */
  inviteSchema.extend({ type: z.literal('uninvite') }),
  /** Owner only. */
  z.object({ type: z.literal('close') }).strict()
]);
export type ClientOp = z.infer<typeof clientOpSchema>;
export type ClientOpType = ClientOp['type'];

/** A participant as the invitation list holds them (no display name: invitations name people by agency + subject). */
export type Invitee = z.infer<typeof userRefSchema>;

/**
 * An operation as stored and folded. `T` is what a tile holds: `{ cameraId }` in the hub,
 * `TileView` on the wire. Ops the hub alone makes: `open` (version 1), `grant.extended`, and
 * `close` with a reason other than the owner's.
 */
export type ViewOp<T> =
  | { type: 'open'; title: string; incidentId: string | null; owner: UserRef; invited: { agencies: string[]; users: Invitee[] } }
  | Exclude<ClientOp, { type: 'tile.set' | 'close' | 'invite' | 'uninvite' | 'presenter' }>
  | { type: 'tile.set'; slot: number; tile: T }
  | { type: 'presenter'; to: UserRef }
  | { type: 'invite'; agencies: string[]; users: Invitee[] }
  | { type: 'uninvite'; agencies: string[]; users: Invitee[] }
  /** The owner extended the incident's grant to a participating agency (its tiles resolve live). */
  | { type: 'grant.extended'; agency: string; grantId: string; expiresAt: number }
  | { type: 'close'; reason: 'owner' | 'incident-closed' };

/** One operation in the view's order: the hub assigns `version` (1, 2, 3 … without gaps) and `at`. */
export interface OpEnvelope<T> {
  version: number;
  /** ms since epoch, the hub's clock. */
  at: number;
  by: UserRef;
  op: ViewOp<T>;
}

export interface Annotation {
  id: string;
  kind: AnnotationKind;
  label: string;
  geometry: Geometry;
  author: UserRef;
  createdAt: number;
  updatedAt: number;
  updatedBy: UserRef;
}

export interface TimelineNote {
  /** The version of the op that added it. */
  version: number;
  text: string;
  author: UserRef;
  at: number;
}

export interface ExtendedGrant {
  agency: string;
  grantId: string;
  expiresAt: number;
}

/** The view at a version: the fold of its ops up to it. */
export interface ViewState<T> {
  id: string;
  title: string;
  incidentId: string | null;
  owner: UserRef;
  createdAt: number;
  /** The version of the last op folded in. */
  version: number;
  status: 'open' | 'closed';
  closedAt: number | null;
  layout: ViewLayout;
  /** Always VIEW_SLOTS long; null is an empty tile. */
  tiles: Array<T | null>;
  /** null until the presenter first moves the map. */
  map: { center: { lat: number; lon: number }; zoom: number } | null;
  /** In the order they were added. */
  annotations: Annotation[];
  /** Ids of annotations removed (an op naming one is refused with ANNOTATION_REMOVED). */
  removed: string[];
  highlight: number | null;
  /** Newest last; at most MAX_NOTES. */
  notes: TimelineNote[];
  presenter: UserRef;
  edit: EditRights;
  invited: { agencies: string[]; users: Invitee[] };
  grants: ExtendedGrant[];
}

/** A tile as one participant receives it: the camera if *their* scope allows it, else withheld without its id or name. */
export type TileView = { camera: CameraInfo } | { withheld: true };

export type ViewSnapshot = ViewState<TileView>;
export type WireOp = ViewOp<TileView>;
export type WireEnvelope = OpEnvelope<TileView>;

/** Who is in the view now (live presence, not part of the fold). */
export interface Participant extends UserRef {
  role: string;
  /** Sessions of this person in the view (several browsers, a reconnect in progress). */
  sessions: number;
}

export interface ViewSummary {
  id: string;
  title: string;
  incidentId: string | null;
  owner: UserRef;
  presenter: UserRef;
  createdAt: number;
  version: number;
  participants: number;
}

export const viewRequestSchemas = {
  /** Opens a view, bound to an incident of the caller's agency (open) or standalone (e.g. 태풍 대응). */
  'view:open': z
    .object({
      title: text(80),
      incidentId: id.optional(),
      invite: inviteSchema.optional()
    })
    .strict(),
  /**
   * Joins (or rejoins) a view. With `sinceVersion` (the last version the client holds) the answer
   * is the ops after it when the hub still has them in memory, else a snapshot.
   */
  'view:join': z.object({ viewId, sinceVersion: version.optional() }).strict(),
  /** `baseVersion`: the version the client's state was at when it made the change. */
  'view:op': z.object({ viewId, baseVersion: version, op: clientOpSchema }).strict(),
  'view:leave': z.object({ viewId }).strict(),
  /** Open views the caller may join. */
  'view:list': z.object({}).strict(),
  /** Owner only: extends the incident's grant to a participating agency (bounded by policy, audited). */
  'view:extend-grant': z.object({ viewId, agency: z.string().min(1).max(64) }).strict()
} as const;

export type ViewRequestName = keyof typeof viewRequestSchemas;
export type ViewRequestOf<N extends ViewRequestName> = z.infer<(typeof viewRequestSchemas)[N]>;

export type JoinViewResponse =
  | { kind: 'snapshot'; view: ViewSnapshot; participants: Participant[] }
  /**
   * The ops after `sinceVersion`, in order, as this participant sees them; then `tiles`: every
   * tile as their scope resolves it now (a grant may have begun or ended while they were away).
   */
  | { kind: 'ops'; viewId: string; ops: WireEnvelope[]; tiles: Array<TileView | null>; participants: Participant[] };

export interface OpResponse {
  /** The op as applied (its version), as the sender sees it. */
  applied: WireEnvelope;
}

export interface ExtendGrantResponse {
  grant: { id: string; incidentId: string; agency: string; radiusM: number; expiresAt: number };
}

export interface ViewClientEvents {
  'view:open': (req: ViewRequestOf<'view:open'>, ack: Ack<{ view: ViewSnapshot }>) => void;
  'view:join': (req: ViewRequestOf<'view:join'>, ack: Ack<JoinViewResponse>) => void;
  'view:op': (req: ViewRequestOf<'view:op'>, ack: Ack<OpResponse>) => void;
  'view:leave': (req: ViewRequestOf<'view:leave'>, ack: Ack<Record<string, never>>) => void;
  'view:list': (req: ViewRequestOf<'view:list'>, ack: Ack<{ views: ViewSummary[] }>) => void;
  'view:extend-grant': (req: ViewRequestOf<'view:extend-grant'>, ack: Ack<ExtendGrantResponse>) => void;
}

export interface ViewServerEvents {
  /** New ops of a view this session joined, in order (apply with `applyOp`; a gap means join again with `sinceVersion`). */
  'view:ops': (event: { viewId: string; ops: WireEnvelope[] }) => void;
  /** What this session may see changed (a grant extended or ended, a token refreshed): its tiles, re-resolved, at `version`. */
  'view:tiles': (event: { viewId: string; version: number; tiles: Array<TileView | null> }) => void;
  'view:participants': (event: { viewId: string; participants: Participant[] }) => void;
  /** This session is no longer in the view (closed, uninvited); VIEW_CLOSED or VIEW_NOT_FOUND. */
  'view:ended': (event: { viewId: string; reason: WireError }) => void;
}
