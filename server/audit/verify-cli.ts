/**
 * npm run audit:verify [-- --db <file> --checkpoints <file> --key <file> --chain-only]
 * Recomputes the audit chain, then holds it against every signed checkpoint the hub stored
 * outside the database, and says whether the log is intact and complete. Reads only (safe while
 * the hub runs). Files default to the hub's own (server/config.ts `audit`, GTH_CONFIG and GTH_*).
 * Exit 0: intact up to the latest checkpoint. 1: tampered (what and where is named). 2: nothing
 * to check or cannot read it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { auditFiles, loadConfig } from '../config.ts';
import { AuditKey, publicFileOf } from './audit-key.ts';
import { checkAgainstCheckpoints, type CheckpointReport } from './checkpoints.ts';
import { AppendOnlyFile } from './checkpoint-store.ts';
import { isoWithOffset } from './csv.ts';
import { AuditLog } from './log.ts';
import type { BreakKind, VerifyResult } from './types.ts';

export const EXIT_INTACT = 0;
export const EXIT_BROKEN = 1;
export const EXIT_UNREADABLE = 2;

const KST = 9 * 60;

const KIND_KO: Record<BreakKind, string> = {
  'hash-mismatch': '기록 내용 변조',
  'prev-hash-mismatch': '기록 삭제·삽입·순서 변경',
  'seq-gap': '기록 삭제(일련번호 누락)',
  truncated: '마지막 기록 삭제',
  malformed: '기록 손상',
  emptied: '전체 기록 삭제',
  'rolled-back': '이전 사본으로 되돌림',
  rewritten: '기록 변조 후 체인 재계산'
};

const USAGE = `사용법 / usage: npm run audit:verify -- [--db <file>] [--checkpoints <file>] [--key <file>] [--chain-only]
  기본값 / defaults: the hub's own files (GTH_CONFIG, GTH_DATA_DIR, GTH_AUDIT_CHECKPOINTS, GTH_AUDIT_KEY)
  --key: the audit key's private or public half (PEM)
  --chain-only: recompute the chain without checkpoints (then a cut tail or an older copy passes)`;

export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  let files: { log: string; checkpoints: string; key: string };
  let chainOnly: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { db: { type: 'string' }, checkpoints: { type: 'string' }, key: { type: 'string' }, 'chain-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true
    });
    if (values.help) {
      out(USAGE);
      return EXIT_INTACT;
    }
    const defaults = auditFiles(loadConfig(env));
    files = {
      log: resolve(values.db ?? defaults.log),
      checkpoints: resolve(values.checkpoints ?? defaults.checkpoints),
      key: resolve(values.key ?? defaults.key)
    };
    chainOnly = values['chain-only'] ?? false;
  } catch (error) {
    out(`${(error as Error).message}\n${USAGE}`);
    return EXIT_UNREADABLE;
  }
  out(`감사 기록 검증 / audit chain verification: ${files.log}`);
  const store = new AppendOnlyFile(files.checkpoints);
  let lines: string[] = [];
  let key: AuditKey | undefined;
  if (!chainOnly) {
    out(`체크포인트 / checkpoints: ${files.checkpoints}`);
    try {
      lines = await store.lines();
      const keyFile = [files.key, publicFileOf(files.key)].find((file) => existsSync(file));
      if (keyFile) key = AuditKey.read(keyFile);
      else if (lines.length > 0) throw new Error(`no audit key at ${files.key}: the checkpoints cannot be checked (give --key)`);
    } catch (error) {
      out(`읽을 수 없음 / cannot read: ${(error as Error).message}`);
      return EXIT_UNREADABLE;
    }
  }
  if (!existsSync(files.log)) {
    if (lines.length > 0) {
      out('체인 손상 / CHAIN BROKEN');
      out(`  사유 / reason: ${KIND_KO.emptied} / the log file is gone, but ${lines.length} checkpoints were stored for it`);
      return EXIT_BROKEN;
    }
    out('파일 없음 / file not found');
    return EXIT_UNREADABLE;
  }

  let result: VerifyResult;
  let report: CheckpointReport | undefined;
  let log: AuditLog | undefined;
  try {
    log = AuditLog.open(files.log, { readonly: true });
    result = log.verify();
    if (key) report = checkAgainstCheckpoints(log, lines, key);
  } catch (error) {
    out(`읽을 수 없음 / cannot read: ${(error as Error).message}`);
    return EXIT_UNREADABLE;
  } finally {
    log?.close();
  }

  out(`검사한 기록 / records checked: ${result.checked}`);
  let broken = !result.ok;
  if (result.ok) {
    out('체인 이상 없음 / chain intact');
    if (result.head) out(`마지막 기록 / head: seq ${result.head.seq}, hash ${result.head.hash}`);
  } else {
    const first = result.firstBroken;
    out('체인 손상 / CHAIN BROKEN');
    if (first) {
      out(`  첫 손상 기록 / first broken record: seq ${first.seq}`);
      if (first.at !== undefined) out(`  시각 / time: ${isoWithOffset(first.at, KST)} (${first.at})`);
      if (first.action !== undefined) out(`  동작 / action: ${first.action}`);
      out(`  사유 / reason: ${KIND_KO[first.kind]} / ${first.reason}`);
    }
    if (result.head) out(`  마지막 정상 기록 / last intact record: seq ${result.head.seq}`);
  }

  if (chainOnly) {
    out('체크포인트 미확인 / checkpoints not checked (--chain-only): a cut tail or an older copy would pass');
    return broken ? EXIT_BROKEN : EXIT_INTACT;
  }
  if (!report || !report.latest) {
    if (result.head || report?.untrusted.length) {
      broken = true;
      out('체크포인트 없음 / NO CHECKPOINT');
      out(`  사유 / reason: no trusted checkpoint in ${files.checkpoints}: whether records are missing at the end, or the file is an older copy, cannot be told`);
    }
  } else {
    const latest = report.latest;
    out(`체크포인트 / checkpoints: ${report.trusted} trusted, key ${latest.kid}; latest seq ${latest.seq}, ${isoWithOffset(latest.at, KST)}`);
  }
  for (const { line, problem } of report?.untrusted ?? []) {
    broken = true;
    out(`  신뢰할 수 없는 체크포인트 / untrusted checkpoint, line ${line}: ${problem}`);
  }
  const finding = report?.finding;
  if (finding) {
    broken = true;
    out('체크포인트 불일치 / CHECKPOINT MISMATCH');
    out(`  첫 불일치 기록 / first record affected: seq ${finding.seq}`);
    out(`  사유 / reason: ${KIND_KO[finding.kind]} (${finding.kind}) / ${finding.reason}`);
    if (report?.lastMatching) out(`  마지막 일치 체크포인트 / last matching checkpoint: seq ${report.lastMatching.seq}, ${isoWithOffset(report.lastMatching.at, KST)}`);
  } else if (report?.latest && result.head) {
    const uncovered = result.head.seq - report.latest.seq;
    if (uncovered > 0) out(`체크포인트 이후 기록 / records after the latest checkpoint: ${uncovered} (covered by the next one)`);
    else out('체크포인트 일치 / matches the latest checkpoint');
  }
  return broken ? EXIT_BROKEN : EXIT_INTACT;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`));
}
