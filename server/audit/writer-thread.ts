/**
 * The audit log's writer, in a worker thread of its own (see writer.ts): each message is one
 * group of records, appended in one transaction — one flush to disk — and answered with the
 * stored entries. A group that cannot be stored whole is stored record by record, so one bad
 * record fails alone. The Checkpointer runs here too, beside the only connection that writes:
 * it sees every append as it is stored and signs the chain's head from there, and it checks the
 * log against its latest checkpoint before the thread says it is ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AuditKey } from './audit-key.ts';
import { AppendOnlyFile } from './checkpoint-store.ts';
import { Checkpointer } from './checkpoints.ts';
import { AuditLog } from './log.ts';
import type { AuditEntry, AuditInput } from './types.ts';
import type { WriterData, WriterMessage, WriterRequest } from './writer.ts';

const port = parentPort!;
const { file, checkpoints } = workerData as WriterData;
const post = (message: WriterMessage) => port.postMessage(message);

let log: AuditLog | undefined;
let checkpointer: Checkpointer | undefined;
try {
  log = AuditLog.open(file);
  if (checkpoints) {
    // Before anything is appended: a log that falls short of its latest checkpoint stops the start.
    checkpointer = await Checkpointer.open(log, new AppendOnlyFile(checkpoints.file), AuditKey.openOrCreate(checkpoints.keyFile), {
      everyRecords: checkpoints.everyRecords,
      everyMs: checkpoints.everyMs,
      onError: (error) => post({ checkpointError: error instanceof Error ? error.message : String(error) })
    });
  }
} catch (error) {
  log?.close();
  log = undefined;
  post({ failed: error instanceof Error ? error.message : String(error) });
  port.close();
}

if (log) {
  const opened = log;
  port.on('message', (request: WriterRequest) => {
    if (request.kind === 'close') {
      // The last checkpoint covers everything stored (the writer flushed before asking), then the log closes.
      void (checkpointer?.close() ?? Promise.resolve())
        .catch((error: unknown) => post({ checkpointError: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          opened.close();
          port.close();
        });
      return;
    }
    post({ id: request.id, results: store(opened, request.inputs) });
  });
  post({ ready: true });
}

function store(log: AuditLog, inputs: readonly AuditInput[]): Array<{ entry: AuditEntry } | { error: string }> {
  try {
    return log.appendMany(inputs).map((entry) => ({ entry }));
  } catch {
    return inputs.map((input) => {
      try {
        return { entry: log.append(input) };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    });
  }
}
