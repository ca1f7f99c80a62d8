import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultIncidentType } from './purpose-type.ts';

test("a board starts with its room's incident type", () => {
  assert.equal(defaultIncidentType('dispatch-119'), '화재');
  assert.equal(defaultIncidentType('emergency-112'), '범죄');
  assert.equal(defaultIncidentType('dispatch-112'), '범죄');
  assert.equal(defaultIncidentType('disaster'), '재난');
  assert.equal(defaultIncidentType('vulnerable-person'), '실종');
});

test('a token without a purpose starts with 화재', () => {
  assert.equal(defaultIncidentType(null), '화재');
  assert.equal(defaultIncidentType(undefined), '화재');
});
