/**
 * The hash chain, independent of storage: how a record is written down canonically and hashed.
 * A verifier in another language needs only this file: JSON without whitespace, object keys
 * sorted by UTF-16 code units, fields that were not given left out; then
 * hash = hex(sha256(prevHash + '\n' + canonicalJson(record))), with prevHash = GENESIS_HASH for seq 1.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from './types.ts';

/** The prev_hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields a record's hash covers: everything but its own prevHash and hash. */
export type AuditRecord = Omit<AuditEntry, 'prevHash' | 'hash'>;

/**
 * Stable JSON: keys sorted by UTF-16 code units at every depth, no whitespace. Otherwise as
 * JSON.stringify (toJSON honoured, undefined members left out, non-finite numbers become null),
 * so JSON.parse(canonicalJson(x)) is what a reader will see. Throws on cycles and bigint.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, new Set());
  if (out === undefined) throw new TypeError('value has no JSON form');
  return out;
}

function write(value: unknown, seen: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('bigint has no JSON form');
    case 'object':
      break;
    default:
      return undefined; // undefined, function, symbol
  }
  const object = value as { toJSON?: () => unknown };
  if (typeof object.toJSON === 'function') return write(object.toJSON(), seen);
  if (seen.has(object)) throw new TypeError('cyclic value has no JSON form');
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item) => write(item, seen) ?? 'null').join(',')}]`;
  } else {
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const member = write((object as Record<string, unknown>)[key], seen);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    out = `{${members.join(',')}}`;
  }
  seen.delete(object);
  return out;
}

/** Only the known fields, so an extra property on the object can never change a hash. */
export function recordFields(entry: AuditRecord): AuditRecord {
  return {
    seq: entry.seq,
    at: entry.at,
    action: entry.action,
    outcome: entry.outcome,
    code: entry.code,
    subject: entry.subject,
    agency: entry.agency,
    purpose: entry.purpose,
    role: entry.role,
    incidentId: entry.incidentId,
    cameraId: entry.cameraId,
    clientAddress: entry.clientAddress,
    durationMs: entry.durationMs,
    detail: entry.detail
  };
}

export function recordHash(prevHash: string, record: AuditRecord): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(recordFields(record))}`, 'utf8')
    .digest('hex');
}
