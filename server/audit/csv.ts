/**
 * Audit records as CSV for a spreadsheet: RFC 4180 (CRLF, quotes doubled, every cell quoted),
 * UTF-8 with a BOM so Excel in Korea reads Hangul correctly, and text cells that a spreadsheet
 * could run as a formula prefixed with an apostrophe (OWASP's CSV-injection guidance, widened):
 * a leading = + - @ ; | or their full-width forms ＝ ＋ － ＠, or any leading whitespace (TAB,
 * CR, LF, space, NBSP …), since spreadsheets trim it and then evaluate what follows. Subjects
 * and revocation subjects come from identity providers, so nothing here is trusted text.
 */
import type { AuditEntry } from './types.ts';

export interface CsvOptions {
  /** Offset of the `time` column from UTC; Korea (KST, no daylight saving) by default. */
  utcOffsetMinutes?: number;
}

const BOM = '\uFEFF';
const KST_OFFSET_MINUTES = 9 * 60;

type Cell = string | number | undefined;

/** Column name and how to get it. Numbers are ours and written as they are; text is guarded. */
const COLUMNS: ReadonlyArray<readonly [string, (entry: AuditEntry, offset: number) => Cell]> = [
  ['seq', (e) => e.seq],
  ['time', (e, offset) => isoWithOffset(e.at, offset)],
  ['at_ms', (e) => e.at],
  ['action', (e) => e.action],
  ['outcome', (e) => e.outcome],
  ['code', (e) => e.code],
  ['subject', (e) => e.subject],
  ['agency', (e) => e.agency],
  ['role', (e) => e.role],
  ['purpose', (e) => e.purpose],
  ['incident_id', (e) => e.incidentId],
  ['camera_id', (e) => e.cameraId],
  ['client_address', (e) => e.clientAddress],
  ['duration_ms', (e) => e.durationMs],
  ['detail', (e) => (e.detail === undefined ? undefined : JSON.stringify(e.detail))],
  ['prev_hash', (e) => e.prevHash],
  ['hash', (e) => e.hash]
];

export function toCsv(entries: readonly AuditEntry[], options: CsvOptions = {}): string {
  const offset = options.utcOffsetMinutes ?? KST_OFFSET_MINUTES;
  const lines = [COLUMNS.map(([name]) => cell(name)).join(',')];
  for (const entry of entries) lines.push(COLUMNS.map(([, get]) => cell(get(entry, offset))).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** A first character that makes a spreadsheet read the cell as a formula (or trim its way to one). */
const FORMULA_START = /^[=+\-@;|＝＋－＠\s]/u;

function cell(value: Cell): string {
  if (value === undefined) return '""';
  if (typeof value === 'number') return `"${value}"`;
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replaceAll('"', '""')}"`;
}

/** 2025-03-01T09:30:00.000+09:00 */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
