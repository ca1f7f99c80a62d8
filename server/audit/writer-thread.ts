/**
 * The audit log's writer, in a worker thread of its own (see writer.ts): each message is one
 * group of records, appended in one transaction — one flush to disk — and answered with the
 * stored entries. A group that cannot be stored whole is stored record by record, so one bad
 * record fails alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AuditLog } from './log.ts';
import type { AuditEntry, AuditInput } from './types.ts';
import type { WriterReply, WriterRequest } from './writer.ts';

const port = parentPort!;
const log = AuditLog.open((workerData as { file: string }).file);

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    log.close();
    port.close();
    return;
  }
  port.postMessage({ id: request.id, results: store(request.inputs) } satisfies WriterReply);
});
port.postMessage({ ready: true });

function store(inputs: readonly AuditInput[]): Array<{ entry: AuditEntry } | { error: string }> {
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
