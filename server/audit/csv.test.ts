import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoWithOffset, toCsv } from './csv.ts';
import type { AuditEntry } from './types.ts';

const AT = Date.UTC(2025, 2, 1, 0, 30, 0, 250); // 2025-03-01 09:30:00.250 KST

function entry(fields: Partial<AuditEntry> = {}): AuditEntry {
  return { seq: 1, at: AT, action: 'view.start', outcome: 'allowed', prevHash: '0'.repeat(64), hash: 'a'.repeat(64), ...fields };
}

/** A strict RFC 4180 reader, to check that what we write reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        cell += text[i];
        i += 1;
      }
    }
    if (text.startsWith('\r\n', i)) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (text[i] === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (i < text.length) {
      if (text[i] === '"' || text[i] === '\r' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
      cell += text[i];
      i += 1;
    }
  }
  if (cell !== '' || row.length > 0) throw new Error('last line lacks CRLF');
  return rows;
}

test('header row, UTF-8 BOM, CRLF line ends, one row per entry, every cell quoted', () => {
  const csv = toCsv([entry(), entry({ seq: 2 })]);
  assert.ok(csv.startsWith('\uFEFF"seq","time","at_ms","action","outcome","code","subject","agency","role","purpose","incident_id","camera_id","client_address","duration_ms","detail","prev_hash","hash"\r\n'));
  assert.ok(csv.endsWith('\r\n'));
  const rows = parseCsv(csv.slice(1));
  assert.equal(rows.length, 3);
  assert.ok(rows.every((row) => row.length === 17));
  assert.equal(toCsv([]), '\uFEFF"seq","time","at_ms","action","outcome","code","subject","agency","role","purpose","incident_id","camera_id","client_address","duration_ms","detail","prev_hash","hash"\r\n');
  assert.match(csv.split('\r\n')[1]!, /^"1","2025-03-01T09:30:00\.250\+09:00","\d+","view\.start","allowed","",/, 'numbers and empty cells are quoted too');
});

test('time in ISO 8601 (KST by default) beside the ms value; absent fields are empty cells', () => {
  const [header, row] = parseCsv(toCsv([entry({ durationMs: 4200 })]).slice(1));
  const cells = Object.fromEntries(header!.map((name, i) => [name, row![i]]));
  assert.equal(cells.time, '2025-03-01T09:30:00.250+09:00');
  assert.equal(cells.at_ms, String(AT));
  assert.equal(cells.duration_ms, '4200');
  assert.equal(cells.code, '');
  assert.equal(cells.detail, '');
  assert.equal(parseCsv(toCsv([entry()], { utcOffsetMinutes: 0 }).slice(1))[1]?.[1], '2025-03-01T00:30:00.250Z');
});

test('commas, quotes and line breaks are quoted (RFC 4180) and read back intact; Hangul passes through', () => {
  const tricky = entry({
    purpose: '실종 아동 수색, "긴급"\r\n2차 확인',
    subject: '김철수',
    detail: { reason: 'a,b', note: 'say "hi"' }
  });
  const csv = toCsv([tricky]);
  assert.match(csv, /"실종 아동 수색, ""긴급""\r\n2차 확인"/);
  const [header, row] = parseCsv(csv.slice(1));
  const cells = Object.fromEntries(header!.map((name, i) => [name, row![i]]));
  assert.equal(cells.purpose, tricky.purpose);
  assert.equal(cells.subject, '김철수');
  assert.deepEqual(JSON.parse(cells.detail!), tricky.detail);
  assert.equal(Buffer.from(csv, 'utf8').subarray(0, 3).toString('hex'), 'efbbbf');
});

test('cells a spreadsheet would run as a formula get an apostrophe: each leading character of the guard', () => {
  // From the assessment (issue 10): what an identity provider's `sub` or a revocation's subject can carry.
  const cases: Array<[string, string]> = [
    ['=', '=HYPERLINK("http://x","click")'],
    ['+', '+1+1'],
    ['-', '-2+3'],
    ['@', '@SUM(A1)'],
    ['TAB', '\t=1'],
    ['CR', '\r=1'],
    ['LF', '\n=1+1'],
    ['space', ' =1+1'],
    ['NBSP', '\u00A0=1+1'],
    ['ideographic space', '\u3000=1+1'],
    ['full-width =', '＝1+1'],
    ['full-width +', '＋1+1'],
    ['full-width -', '－1+1'],
    ['full-width @', '＠SUM(A1)'],
    [';', ';=1+1'],
    ['|', '|calc!A0']
  ];
  for (const [name, value] of cases) {
    const csv = toCsv([entry({ subject: value })]);
    const [, row] = parseCsv(csv.slice(1));
    assert.equal(row?.[6], `'${value}`, `${name}: ${JSON.stringify(value)}`);
    assert.ok(csv.includes(`,"'${value.replaceAll('"', '""')}",`), `${name}: the cell is quoted`);
  }
  const [, row] = parseCsv(toCsv([entry({ subject: 'a=b', purpose: '112 신고', code: 'CAMERA_OUT_OF_SCOPE' })]).slice(1));
  assert.equal(row?.[6], 'a=b', 'only the first character matters');
  assert.equal(row?.[9], '112 신고');
  assert.equal(row?.[5], 'CAMERA_OUT_OF_SCOPE');
});

test('isoWithOffset handles negative offsets and day changes', () => {
  assert.equal(isoWithOffset(Date.UTC(2025, 0, 1, 20, 0, 0), 540), '2025-01-02T05:00:00.000+09:00');
  assert.equal(isoWithOffset(Date.UTC(2025, 0, 1, 2, 0, 0), -330), '2024-12-31T20:30:00.000-05:30');
});
