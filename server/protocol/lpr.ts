/**
 * Wanted vehicles (LPR, 수배차량) on the wire: what an LPR system POSTs to `/api/lpr/reads`, the
 * watchlist API (`/api/lpr/watchlist`) police supervisors keep, and the `lpr:hit` alert the hub
 * pushes. Schemas first; the types are derived from them.
 */
import { z } from 'zod';

/**
 * Korean registration plates: an optional old-style region prefix (서울, 경기 …), 2 or 3 digits,
 * one Hangul syllable (the use: 가, 바, 하, 배 …) and 4 digits — `12가3456`, `123가4567`,
 * `서울12가3456`. Spaces are ignored.
 */
export const PLATE_REGIONS = ['서울', '부산', '대구', '인천', '광주', '대전', '울산', '세종', '경기', '강원', '충북', '충남', '전북', '전남', '경북', '경남', '제주'] as const;
export const PLATE_PATTERN = new RegExp(`^(${PLATE_REGIONS.join('|')})?(\\d{2,3})([가-힣])(\\d{4})$`);

export const plateSchema = z
  .string()
  .max(32)
  .transform((value) => value.replace(/\s+/g, ''))
  .refine((value) => PLATE_PATTERN.test(value), '번호판 형식이 아닙니다 (not a Korean plate such as 12가3456)');

/** How the vehicle moved past the camera: a heading (degrees, 0 = north, clockwise), or in/out of a gate. */
export const lprDirectionSchema = z.union([z.number().min(0).max(360), z.enum(['in', 'out'])]);

export const lprReadSchema = z
  .object({
    /** The LPR system's own id for the read: (system, readId) is stored once. */
    readId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'readId: 1–64 of A–Z a–z 0–9 . _ : -'),
    plate: plateSchema,
    cameraId: z.string().min(1).max(64),
    /** When the plate was read, ms since epoch. */
    at: z.number().int().positive(),
    direction: lprDirectionSchema,
    confidence: z.number().min(0).max(1),
    /** Where the LPR system keeps the picture (its own URL or key); the hub never fetches it. */
    imageRef: z.string().min(1).max(512).optional()
  })
  .strict();

export type LprReadInput = z.input<typeof lprReadSchema>;
export type LprRead = z.infer<typeof lprReadSchema>;

/**
 * Reads per request at most: a batch is checked whole and stored in one transaction, or not at
 * all, in one turn of the event loop (200 reads ≈ 3 ms of CPU here; 500 reached 25 ms).
 */
export const LPR_MAX_BATCH = 200;

/** A batch: `{ reads: [...] }`; the body is one read or a batch. */
export const lprBatchSchema = z.object({ reads: z.array(lprReadSchema).min(1).max(LPR_MAX_BATCH) }).strict();

export type LprReadsBody = LprReadInput | z.input<typeof lprBatchSchema>;

export interface LprIngestResponse {
  /** Reads stored. */
  accepted: number;
  /** Of them, reads that matched the watchlist (each raised an alert). */
  hits: number;
}

/** `POST /api/lpr/watchlist`: a plate wanted until `expiresAt` (ms since epoch), and why. */
export const watchlistAddSchema = z
  .object({
    plate: plateSchema,
    reason: z.string().trim().min(1).max(500),
    expiresAt: z.number().int().positive()
  })
  .strict();

export type WatchlistAddRequest = z.input<typeof watchlistAddSchema>;

export interface WatchlistEntry {
  id: string;
  /** Masked (`12가****`) for a role that may not see plates. */
  plate: string;
  reason: string;
  /** The police agency that listed it, and who. */
  agency: string;
  addedBy: string;
  addedAt: number;
  expiresAt: number;
}

export interface WatchlistResponse {
  entries: WatchlistEntry[];
  /** Whether plates in this answer are masked for the caller. */
  masked: boolean;
}

/** A read as alerts and the pursuit show it: the plate masked for roles that may not see it. */
export interface LprReadView {
  system: string;
  readId: string;
  plate: string;
  cameraId: string;
  at: number;
  direction: LprRead['direction'];
  confidence: number;
  imageRef?: string;
}

/** `lpr:hit`: a read matched the watchlist (to police agencies of the camera's 구 and the 112 room). */
export interface LprHitEvent {
  hitId: string;
  read: LprReadView;
  watch: Pick<WatchlistEntry, 'id' | 'plate' | 'reason' | 'agency'>;
  camera: { id: string; name: string; district: { code: string; name: string }; lat: number; lon: number };
  /** Whether plates in this event are masked for the receiving session. */
  masked: boolean;
}
