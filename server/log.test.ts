import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, redactCredentials } from './log.ts';

test('credentials in URLs never reach a log line', () => {
  assert.equal(redactCredentials('rtsp://admin:p%40ss@10.0.0.5:554/live'), 'rtsp://***@10.0.0.5:554/live');
  assert.equal(redactCredentials('no url, user@example'), 'no url, user@example');
  const lines: string[] = [];
  const log = createLogger('debug', {}, (line) => lines.push(line));
  log.warn('camera unavailable', { error: 'DESCRIBE rtsp://viewer:Secr3t@127.0.0.1:8554/cam failed', other: 'http://u:pw@host/x' });
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0]!, /Secr3t|viewer:|u:pw/);
  assert.match(lines[0]!, /rtsp:\/\/\*\*\*@127\.0\.0\.1:8554\/cam/);
  assert.doesNotThrow(() => JSON.parse(lines[0]!), 'still one JSON object');
});
