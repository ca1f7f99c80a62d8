/** How audit values read on screen: KST times, view durations, short hashes. */
const KST_OFFSET_MS = 9 * 3_600_000;

/** `2025-03-01 09:30:15` in KST. */
export function formatKst(ms: number): string {
  return new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** `2025-03-01 09:30:15.123 KST (2025-03-01T00:30:15.123Z)`, for a tooltip. */
export function formatKstFull(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 23).replace('T', ' ')} KST (${iso})`;
}

/** `m:ss` under an hour, `h:mm:ss` beyond; sub-second views as `0:00.4`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `0:00.${Math.floor(Math.max(0, ms) / 100)}`;
  const total = Math.floor(ms / 1_000);
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The first characters of a hex hash, enough to tell records apart by eye. */
export function shortHash(hash: string, length = 10): string {
  return hash.slice(0, length);
}

/** A record's `detail` as one line of text. */
export function formatDetail(detail: unknown): string {
  if (detail === undefined || detail === null) return '';
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}
