import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conePolygon } from './cone.ts';

const at = { lat: 37.5, lon: 127 };
const metres = ([lon, lat]: [number, number]) => ({
  east: (lon - at.lon) * 111_320 * Math.cos((at.lat * Math.PI) / 180),
  north: (lat - at.lat) * 111_320
});

test('a cone facing east starts and ends at the camera and reaches its range to the east', () => {
  const ring = conePolygon(at, 90, 60, 50);
  assert.deepEqual(ring[0], [at.lon, at.lat]);
  assert.deepEqual(ring[ring.length - 1], ring[0]);
  const arc = ring.slice(1, -1).map(metres);
  for (const p of arc) {
    assert.ok(Math.abs(Math.hypot(p.east, p.north) - 50) < 0.01, 'every arc point is at the range');
    assert.ok(p.east > 0, 'east of the camera');
  }
  const middle = arc[Math.floor(arc.length / 2)]!;
  assert.ok(Math.abs(middle.north) < 0.01 && Math.abs(middle.east - 50) < 0.01, 'the middle of the arc is due east');
  // ±30° of east: the edges are at bearings 60° and 120°.
  assert.ok(Math.abs(arc[0]!.north - 50 * Math.cos(Math.PI / 3)) < 0.01);
  assert.ok(Math.abs(arc[arc.length - 1]!.north + 50 * Math.cos(Math.PI / 3)) < 0.01);
});

test('a 360° camera is a full circle without the apex', () => {
  const ring = conePolygon(at, 0, 360, 30);
  assert.ok(ring.slice(0, -1).every((p) => Math.abs(Math.hypot(metres(p).east, metres(p).north) - 30) < 0.01));
});
