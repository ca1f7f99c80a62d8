import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../db.ts';
import { applyOp, openView } from '../protocol/shared-view-fold.ts';
import type { OpEnvelope } from '../protocol/shared-view.ts';
import type { StoredState, StoredTile } from './admit.ts';
import { SharedViewStore } from './store.ts';

const kim = { subject: 'kim', agency: 'seoul-disaster', name: '김' };

function history(n: number): Array<OpEnvelope<StoredTile>> {
  const ops: Array<OpEnvelope<StoredTile>> = [{ version: 1, at: 1, by: kim, op: { type: 'open', title: '홍수', incidentId: null, owner: kim, invited: { agencies: ['seoul-119'], users: [] } } }];
  for (let v = 2; v <= n; v++) {
    ops.push({ version: v, at: v, by: kim, op: v % 3 === 0 ? { type: 'tile.set', slot: v % 16, tile: { cameraId: `CAM-${v}` } } : { type: 'note', text: `note ${v}` } });
  }
  return ops;
}

test('a view read back from its snapshot and the ops after it equals the fold of all its ops; the ops cannot be edited or deleted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gth-views-'));
  try {
    const file = join(dir, 'hub.sqlite');
    let db = openDb(file);
    let store = new SharedViewStore(db);
    const ops = history(40);
    let state: StoredState | undefined;
    for (const envelope of ops) {
      store.append('view-a', envelope);
      state = state ? applyOp(state, envelope) : openView('view-a', envelope);
      if (envelope.version === 25) store.snapshot(state);
    }
    assert.deepEqual(store.load('view-a'), state);
    assert.deepEqual(store.replay('view-a'), state);
    assert.deepEqual(store.opsAfter('view-a', 37, 10).map((o) => o.version), [38, 39, 40]);
    assert.throws(() => db.prepare("UPDATE shared_view_ops SET op_json = '{}' WHERE view_id = 'view-a'").run(), /append-only/);
    assert.throws(() => db.prepare("DELETE FROM shared_view_ops WHERE view_id = 'view-a'").run(), /append-only/);
    db.close();

    // Another start on the same file: the open view comes back; once closed it is not loaded.
    db = openDb(file);
    store = new SharedViewStore(db);
    assert.deepEqual(store.loadOpen(), [state]);
    store.append('view-a', { version: 41, at: 41, by: kim, op: { type: 'close', reason: 'owner' } });
    assert.deepEqual(store.loadOpen(), []);
    assert.equal(store.replay('view-a').status, 'closed');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
