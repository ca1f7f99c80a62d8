/**
 * The wanted-vehicle service: takes signed plate reads from trusted LPR systems, matches them
 * against the watchlist police supervisors keep, and emits `'hit'` for every match — the hub
 * alerts the police agencies of the camera's 구 and the 112 room, the pursuit domain anchors a
 * pursuit. Reads that hit nothing are deleted after `retainNonHitsSec` by one owned timer.
 *
 * Bad input is refused whole with a typed code and nothing is stored: a batch is checked read by
 * read (schema, camera known, camera within the system's binding, not stored before) and written
 * in one transaction only when every read passes. Refusals are counted per system, source
 * address and code (`lpr.refused`), never recorded one by one.
 */
import { EventEmitter } from 'node:events';
import type { AuditWriter } from '../audit/writer.ts';
import type { AuditInput } from '../audit/types.ts';
import type { RefusalTally } from '../audit/refusal-tally.ts';
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { TokenBuckets, type Rate } from '../budget.ts';
import type { CameraRegistry, RegistryCamera } from '../cameras/registry.ts';
import type { Db } from '../db.ts';
import type { Logger } from '../log.ts';
import { HubError } from '../protocol/errors.ts';
import {
  lprBatchSchema,
  lprReadSchema,
  watchlistAddSchema,
  type LprHitEvent,
  type LprIngestResponse,
  type LprRead,
  type LprReadView,
  type WatchlistEntry,
  type WatchlistResponse
} from '../protocol/lpr.ts';
import { maskPlate, parsePlate, PlateVisibility } from './plates.ts';
import { LprStore, type StoredRead, type WatchRecord } from './store.ts';
import type { LprSystems } from './systems.ts';

/** A read that matched the watchlist, whole (plates unmasked): for the hub's alert and the pursuit domain. */
export interface LprHit {
  id: string;
  read: StoredRead;
  watch: WatchRecord;
  camera: RegistryCamera;
}

interface Events {
  hit: [hit: LprHit];
}

export interface LprOptions {
  db: Db;
  registry: Pick<CameraRegistry, 'get'>;
  systems: LprSystems;
  policies: AgencyPolicies;
  retainNonHitsSec: number;
  plateRoles: readonly string[];
  /** Reads per second per system. */
  rate: Rate;
  /** Records that gate nothing (hits): written with the audit writer's next group. */
  record: (input: AuditInput) => void;
  /** Watchlist changes: durable before they take effect. */
  audit: Pick<AuditWriter, 'append'>;
  /** Refused reads, counted (a RefusalTally with action `lpr.refused`). */
  refusals: Pick<RefusalTally, 'count'>;
  log: Logger;
  now?: () => number;
}

/** Longest a plate stays on the watchlist without being listed again. */
const MAX_WATCH_MS = 365 * 24 * 3600_000;

export class Lpr extends EventEmitter<Events> {
  readonly #options: LprOptions;
  readonly #store: LprStore;
  readonly #now: () => number;
  readonly #buckets: TokenBuckets;
  readonly plates: PlateVisibility;
  /** Active entries by plate core, loaded once and kept in step with every change. */
  #watches = new Map<string, WatchRecord[]>();
  readonly #sweeper: NodeJS.Timeout;
  #hits = 0;
  #closed = false;

  constructor(options: LprOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#store = new LprStore(options.db);
    this.#buckets = new TokenBuckets(options.rate, this.#now);
    this.plates = new PlateVisibility(options.policies, options.plateRoles);
    this.#reloadWatches();
    // Sweeps a few times per retention period, so a read is gone at most a quarter period late.
    const retainMs = options.retainNonHitsSec * 1000;
    this.#sweeper = setInterval(() => this.sweep(), Math.min(Math.max(retainMs / 4, 100), 30_000)).unref();
  }

  /**
   * `POST /api/lpr/reads`: verifies the system's token, then reads and checks the body. Refused
   * whole (a HubError) or stored whole.
   */
  async ingest(bearer: string | undefined, body: () => Promise<unknown>, clientAddress: string): Promise<LprIngestResponse> {
    let system: string | undefined;
    try {
      const source = await this.#options.systems.verify(bearer);
      system = source.name;
      const reads = this.#parse(await body());
      if (!this.#buckets.take(source.name, reads.length)) throw new HubError('RATE_LIMITED', `판독이 너무 많습니다 (too many reads from ${source.name})`);
      const receivedAt = this.#now();
      const stored: StoredRead[] = [];
      const seen = new Set<string>();
      const cameras: RegistryCamera[] = [];
      for (const [i, read] of reads.entries()) {
        const camera = this.#options.registry.get(read.cameraId);
        if (!camera) throw new HubError('CAMERA_UNKNOWN', `${where(reads, i)}알 수 없는 카메라입니다 (unknown camera ${read.cameraId})`);
        if (!source.mayReport(camera)) throw new HubError('CAMERA_OUT_OF_SCOPE', `${where(reads, i)}${source.name}이(가) 보고할 수 없는 카메라입니다 (camera ${read.cameraId} is outside the system's binding)`);
        if (seen.has(read.readId)) throw new HubError('DUPLICATE_READ', `${where(reads, i)}같은 readId가 두 번 있습니다 (readId ${read.readId} twice in the batch)`);
        seen.add(read.readId);
        cameras.push(camera);
        stored.push({ ...read, system: source.name, receivedAt });
      }
      const hits = stored.flatMap((read, i) => {
        const watch = this.#match(read.plate, read.at);
        return watch ? [{ id: `hit-${read.system}-${read.readId}`, read, watch, camera: cameras[i]! }] : [];
      });
      const again = this.#store.insert(stored, new Map(hits.map((hit) => [hit.read.readId, hit.watch.id])));
      if (again !== undefined) throw new HubError('DUPLICATE_READ', `이미 받은 판독입니다 (readId ${again} was stored before; nothing of this request was stored)`);
      for (const hit of hits) this.#hit(hit);
      return { accepted: stored.length, hits: hits.length };
    } catch (error) {
      const code = error instanceof HubError ? error.code : 'INTERNAL';
      this.#options.refusals.count({ clientAddress, code, ...(system ? { subject: system } : {}) });
      throw error;
    }
  }

  /** `GET /api/lpr/watchlist`: the active entries, for police agencies (plates as the caller may see them). */
  watchlist(principal: Principal): WatchlistResponse {
    this.#requirePolice(principal);
    const masked = !this.plates.mayView(principal);
    const entries = [...this.#watches.values()].flat().filter((w) => w.expiresAt > this.#now()).sort((a, b) => a.addedAt - b.addedAt);
    return { entries: entries.map((w) => entryView(w, masked)), masked };
  }

  /** `POST /api/lpr/watchlist`: a police supervisor lists a plate; on the record before it takes effect. */
  async addWatch(principal: Principal, body: unknown): Promise<WatchlistEntry> {
    this.#requireSupervisor(principal);
    const parsed = watchlistAddSchema.safeParse(body);
    if (!parsed.success) throw badRequest(parsed.error.issues[0]);
    const { plate, reason, expiresAt } = parsed.data;
    const now = this.#now();
    if (expiresAt <= now || expiresAt > now + MAX_WATCH_MS) throw new HubError('BAD_REQUEST', '만료 시각은 지금부터 1년 안이어야 합니다 (expiresAt must be in the next 365 days)');
    const core = parsePlate(plate)!.core;
    const entry = { plate, core, reason, agency: principal.agency.id, addedBy: principal.subject, addedAt: now, expiresAt };
    await this.#options.audit.append({ action: 'watchlist.added', outcome: 'info', agency: entry.agency, subject: principal.subject, role: principal.role, detail: { plate: maskPlate(plate), reason, expiresAt } });
    const record = this.#store.addWatch(entry);
    this.#watches.set(core, [...(this.#watches.get(core) ?? []), record]);
    return entryView(record, !this.plates.mayView(principal));
  }

  /** `DELETE /api/lpr/watchlist/:id`: a supervisor of the agency that listed it. */
  async removeWatch(principal: Principal, id: string): Promise<void> {
    this.#requireSupervisor(principal);
    const record = [...this.#watches.values()].flat().find((w) => w.id === id);
    if (!record || record.agency !== principal.agency.id) throw new HubError('NOT_FOUND', '수배차량 항목을 찾을 수 없습니다 (no such watchlist entry of your agency)');
    await this.#options.audit.append({ action: 'watchlist.removed', outcome: 'info', agency: record.agency, subject: principal.subject, role: principal.role, detail: { watchId: id, plate: maskPlate(record.plate) } });
    this.#store.removeWatch(id, principal.subject, this.#now());
    this.#reloadWatches();
  }

  /** The police agencies a hit alerts: those whose LPR area covers the camera's 구 (the 112 room covers all). */
  alerted(hit: LprHit): Set<string> {
    return new Set(this.#options.policies.lprAlerted(hit.camera.district.code).map((policy) => policy.id));
  }

  /** A hit as one session sees it (the plate masked unless its role may see plates). */
  hitEvent(principal: Pick<Principal, 'role' | 'agency'>, hit: LprHit): LprHitEvent {
    const masked = !this.plates.mayView(principal);
    const { camera, watch } = hit;
    return {
      hitId: hit.id,
      read: readView(hit.read, masked),
      watch: { id: watch.id, plate: masked ? maskPlate(watch.plate) : watch.plate, reason: watch.reason, agency: watch.agency },
      camera: { id: camera.id, name: camera.name, district: { code: camera.district.code, name: camera.district.name }, lat: camera.location.lat, lon: camera.location.lon },
      masked
    };
  }

  /** Deletes the reads that hit nothing and are older than the retention period; returns how many. */
  sweep(): number {
    if (this.#closed) return 0;
    return this.#store.deleteNonHitsBefore(this.#now() - this.#options.retainNonHitsSec * 1000);
  }

  /** Reads stored now, and hits since start (tests, metrics). */
  counts(): { reads: number; keptHits: number; hitsSinceStart: number } {
    const { reads, hits } = this.#store.counts();
    return { reads, keptHits: hits, hitsSinceStart: this.#hits };
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.removeAllListeners();
  }

  #parse(body: unknown): LprRead[] {
    if (typeof body === 'object' && body !== null && 'reads' in body) {
      const batch = lprBatchSchema.safeParse(body);
      if (!batch.success) throw badRequest(batch.error.issues[0]);
      return batch.data.reads;
    }
    const read = lprReadSchema.safeParse(body);
    if (!read.success) throw badRequest(read.error.issues[0]);
    return [read.data];
  }

  /** The active entry a plate read at `at` matches (on the plate without its region prefix). */
  #match(plate: string, at: number): WatchRecord | undefined {
    const core = parsePlate(plate)?.core;
    return core === undefined ? undefined : this.#watches.get(core)?.find((w) => w.expiresAt > at && w.expiresAt > this.#now());
  }

  #hit(hit: LprHit): void {
    this.#hits++;
    const { read, watch, camera } = hit;
    this.#options.record({
      action: 'lpr.hit',
      outcome: 'info',
      agency: watch.agency,
      cameraId: camera.id,
      detail: { hitId: hit.id, system: read.system, readId: read.readId, watchId: watch.id, plate: maskPlate(read.plate), at: read.at, alerted: [...this.alerted(hit)] }
    });
    // The reads are stored: a listener that fails (the alert, a pursuit) must not turn the answer into an error the system retries.
    try {
      this.emit('hit', hit);
    } catch (error) {
      this.#options.log.error('lpr hit listener failed', { hitId: hit.id, error: error instanceof Error ? error.stack : String(error) });
    }
  }

  #reloadWatches(): void {
    const byCore = new Map<string, WatchRecord[]>();
    for (const watch of this.#store.activeWatches(this.#now())) byCore.set(watch.core, [...(byCore.get(watch.core) ?? []), watch]);
    this.#watches = byCore;
  }

  #requirePolice(principal: Principal): void {
    if (!this.#options.policies.get(principal.agency.id)?.lpr) throw new HubError('FORBIDDEN', '수배차량 목록은 경찰 기관만 볼 수 있습니다 (police agencies only)');
  }

  #requireSupervisor(principal: Principal): void {
    this.#requirePolice(principal);
    if (principal.role !== 'supervisor') throw new HubError('FORBIDDEN', "수배차량 목록은 상황관리자가 관리합니다 ('supervisor' role required)");
  }
}

/** `reads[3]: ` for a batch, nothing for a single read. */
function where(reads: readonly LprRead[], i: number): string {
  return reads.length > 1 ? `reads[${i}]: ` : '';
}

function badRequest(issue: { path: PropertyKey[]; message: string } | undefined): HubError {
  const path = issue?.path.map(String).join('.') || 'body';
  return new HubError('BAD_REQUEST', `잘못된 요청입니다 (${path}: ${issue?.message.slice(0, 160) ?? 'invalid'})`);
}

function readView(read: StoredRead, masked: boolean): LprReadView {
  const { system, readId, plate, cameraId, at, direction, confidence, imageRef } = read;
  return { system, readId, plate: masked ? maskPlate(plate) : plate, cameraId, at, direction, confidence, ...(imageRef === undefined ? {} : { imageRef }) };
}

function entryView(watch: WatchRecord, masked: boolean): WatchlistEntry {
  const { id, plate, reason, agency, addedBy, addedAt, expiresAt } = watch;
  return { id, plate: masked ? maskPlate(plate) : plate, reason, agency, addedBy, addedAt, expiresAt };
}
