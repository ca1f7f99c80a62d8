import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordQueue } from './record-queue.ts';
import type { AuditInput } from './types.ts';

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('records of one turn are written together after it, in order; a later turn is another batch', async () => {
  const batches: string[][] = [];
  const queue = new RecordQueue({ appendMany: (inputs) => batches.push(inputs.map((i) => i.action)) }, () => assert.fail('no error'));
  queue.record({ action: 'session.start', outcome: 'allowed' });
  queue.record({ action: 'incident.opened', outcome: 'info' });
  queue.record({ action: 'grant.issued', outcome: 'allowed' });
  assert.deepEqual(batches, [], 'nothing is written inside the turn that made the records');
  await turn();
  assert.deepEqual(batches, [['session.start', 'incident.opened', 'grant.issued']]);
  queue.record({ action: 'session.end', outcome: 'info' });
  queue.flush();
  assert.deepEqual(batches.at(-1), ['session.end'], 'flush writes at once');
  await turn();
  assert.equal(batches.length, 2, 'and leaves nothing scheduled');
});

test('a batch that cannot be written is reported with its records, and the queue goes on', async () => {
  const failed: AuditInput[][] = [];
  let fail = true;
  const written: string[] = [];
  const queue = new RecordQueue(
    {
      appendMany: (inputs) => {
        if (fail) throw new Error('disk full');
        written.push(...inputs.map((i) => i.action));
      }
    },
    (_error, batch) => failed.push([...batch])
  );
  queue.record({ action: 'session.start', outcome: 'allowed' });
  await turn();
  assert.deepEqual(failed.map((b) => b.map((i) => i.action)), [['session.start']]);
  fail = false;
  queue.record({ action: 'session.end', outcome: 'info' });
  await turn();
  assert.deepEqual(written, ['session.end']);
});
