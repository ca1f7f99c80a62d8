/**
 * Where checkpoints of the audit chain go: somewhere the audit database does not contain, so
 * that replacing or cutting audit.sqlite does not take them along. One line per checkpoint; the
 * store neither reads nor judges them (checkpoints.ts does). The default is an append-only file
 * in its own directory, flushed to disk before append() resolves; a deployment that sends them
 * to another host (a WORM share, a syslog collector) implements the same three calls.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, fstatSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface CheckpointStore {
  /** Where the checkpoints are, for messages. */
  readonly where: string;
  /** Stores one line durably; resolves once it is. */
  append(line: string): Promise<void>;
  /** Every line stored, oldest first. */
  lines(): Promise<string[]>;
  /** The last line stored, if any (read at start; must stay cheap however many there are). */
  last(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Longest line the tail read expects; a checkpoint is ≈250 bytes. */
const TAIL_BYTES = 64 * 1024;

export class AppendOnlyFile implements CheckpointStore {
  readonly where: string;
  #handle: Promise<FileHandle> | undefined;

  constructor(file: string) {
    this.where = file;
  }

  async append(line: string): Promise<void> {
    if (line.includes('\n')) throw new Error('a checkpoint is one line');
    this.#handle ??= this.#open();
    const handle = await this.#handle;
    // O_APPEND: every write lands at the end, whatever else has the file open.
    await handle.write(`${line}\n`);
    await handle.datasync();
  }

  async lines(): Promise<string[]> {
    if (!existsSync(this.where)) return [];
    return (await readFile(this.where, 'utf8')).split('\n').filter((line) => line !== '');
  }

  async last(): Promise<string | undefined> {
    if (!existsSync(this.where)) return undefined;
    const fd = openSync(this.where, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').split('\n').filter((line) => line !== '').at(-1);
    } finally {
      closeSync(fd);
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await (await handle)?.close();
  }

  async #open(): Promise<FileHandle> {
    mkdirSync(dirname(this.where), { recursive: true, mode: 0o700 });
    return open(this.where, 'a', 0o600);
  }
}
