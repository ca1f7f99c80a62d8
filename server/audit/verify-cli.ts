/**
 * npm run audit:verify [-- --db <file>]
 * Recomputes the audit chain and says whether it is intact. Reads only (safe while the hub runs).
 * Exit 0: intact. 1: broken (the first broken record is named). 2: no log to check / cannot read it.
 * Default file: $GTH_DATA_DIR/audit.sqlite (GTH_DATA_DIR defaults to `data`, relative to cwd).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isoWithOffset } from './csv.ts';
import { AuditLog } from './log.ts';
import type { BreakKind, VerifyResult } from './types.ts';

export const EXIT_INTACT = 0;
export const EXIT_BROKEN = 1;
export const EXIT_UNREADABLE = 2;

const KIND_KO: Record<BreakKind, string> = {
  'hash-mismatch': '기록 내용 변조',
  'prev-hash-mismatch': '기록 삭제·삽입·순서 변경',
  'seq-gap': '기록 삭제(일련번호 누락)',
  truncated: '마지막 기록 삭제',
  malformed: '기록 손상'
};

const USAGE = `사용법 / usage: npm run audit:verify -- [--db <file>]
  기본 파일 / default: $GTH_DATA_DIR/audit.sqlite (GTH_DATA_DIR=data)`;

export function main(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): number {
  let db: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      out(USAGE);
      return EXIT_INTACT;
    }
    db = values.db;
  } catch (error) {
    out(`${(error as Error).message}\n${USAGE}`);
    return EXIT_UNREADABLE;
  }
  const file = resolve(db ?? join(env.GTH_DATA_DIR || 'data', 'audit.sqlite'));
  out(`감사 기록 검증 / audit chain verification: ${file}`);
  if (!existsSync(file)) {
    out('파일 없음 / file not found');
    return EXIT_UNREADABLE;
  }

  let result: VerifyResult;
  let log: AuditLog | undefined;
  try {
    log = AuditLog.open(file, { readonly: true });
    result = log.verify();
  } catch (error) {
    out(`읽을 수 없음 / cannot read: ${(error as Error).message}`);
    return EXIT_UNREADABLE;
  } finally {
    log?.close();
  }

  out(`검사한 기록 / records checked: ${result.checked}`);
  if (result.ok) {
    out('체인 이상 없음 / chain intact');
    if (result.head) out(`마지막 기록 / head: seq ${result.head.seq}, hash ${result.head.hash}`);
    return EXIT_INTACT;
  }
  const broken = result.firstBroken;
  out('체인 손상 / CHAIN BROKEN');
  if (broken) {
    out(`  첫 손상 기록 / first broken record: seq ${broken.seq}`);
    if (broken.at !== undefined) out(`  시각 / time: ${isoWithOffset(broken.at, 9 * 60)} (${broken.at})`);
    if (broken.action !== undefined) out(`  동작 / action: ${broken.action}`);
    out(`  사유 / reason: ${KIND_KO[broken.kind]} / ${broken.reason}`);
  }
  if (result.head) out(`  마지막 정상 기록 / last intact record: seq ${result.head.seq}`);
  return EXIT_BROKEN;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`));
}
