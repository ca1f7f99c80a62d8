/**
 * A camera feed's state machine against a scripted hub: what the tile's badge says after each
 * answer and push, and that consumers never outlive their stream.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { types as mc } from 'mediasoup-client';
import type { ConsumerOptions, WatchResponse } from '$protocol/events.ts';
import { AppError } from '$lib/errors/app-error.ts';
import type { HubClient } from '$lib/signaling/client.ts';
import { CameraFeed, type FeedStatus } from './camera-feed.ts';
import type { SentWatch } from './early-watch.ts';
import type { RetryPolicy } from './retry-policy.ts';

type Answer = (payload: unknown) => Promise<unknown>;

class ScriptedHub {
  connected = true;
  readonly calls: Array<{ event: string; payload: unknown }> = [];
  readonly answers = new Map<string, Answer>([
    ['camera:watch', async () => ({ cameraId: 'cam-1', state: 'connecting' })],
    ['camera:unwatch', async () => ({})],
    ['consumer:resume', async () => ({})]
  ]);

  request(event: string, payload: unknown): Promise<unknown> {
    this.calls.push({ event, payload });
    const answer = this.answers.get(event);
    return answer ? answer(payload) : Promise.reject(new AppError('INTERNAL', `unscripted ${event}`));
  }

  called(event: string): number {
    return this.calls.filter((call) => call.event === event).length;
  }
}

interface FakeConsumer {
  id: string;
  track: MediaStreamTrack;
  closed: boolean;
  close(): void;
  on(): void;
  getStats(): Promise<RTCStatsReport>;
}

function fakeConsumer(id: string): FakeConsumer {
  return {
    id,
    track: { id: `track-${id}` } as MediaStreamTrack,
    closed: false,
    close() {
      this.closed = true;
    },
    on() {},
    getStats: async () => new Map() as unknown as RTCStatsReport
  };
}

const noRetry: RetryPolicy = { nextRetryDelayMs: () => null };
const retryAtOnce: RetryPolicy = { nextRetryDelayMs: ({ code }) => (code === 'RATE_LIMITED' ? 0 : null) };

const feeds: CameraFeed[] = [];

function feed(options: { hub?: ScriptedHub; retryPolicy?: RetryPolicy; consume?: (o: ConsumerOptions) => Promise<FakeConsumer>; incidentId?: string; sent?: SentWatch } = {}) {
  const hub = options.hub ?? new ScriptedHub();
  const consumers: FakeConsumer[] = [];
  const made = new CameraFeed('cam-1', {
    client: hub as unknown as HubClient,
    rtpCapabilities: { codecs: [], headerExtensions: [] },
    retryPolicy: options.retryPolicy ?? noRetry,
    consume: async (o) => {
      const consumer = await (options.consume ?? (async (x: ConsumerOptions) => fakeConsumer(x.id)))(o);
      consumers.push(consumer);
      return consumer as unknown as mc.Consumer;
    }
  }, options.incidentId ? { incidentId: options.incidentId } : {}, options.sent);
  feeds.push(made);
  const statuses: FeedStatus[] = [];
  made.onStatus((status) => statuses.push(status));
  return { feed: made, hub, consumers, statuses };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

const consumerOptions = (id: string, path: ConsumerOptions['path'] = 'passthrough'): ConsumerOptions => ({ cameraId: 'cam-1', id, producerId: 'p-1', kind: 'video', rtpParameters: { codecs: [] } as never, path });

afterEach(() => {
  for (const made of feeds.splice(0)) made.close({ unwatch: false });
});

test('watched, then a consumer: live with its track, and resumed', async () => {
  const { feed: f, hub } = feed();
  f.start();
  await settle();
  assert.equal(f.status.state, 'connecting');
  f.handleConsumer(consumerOptions('c-1'));
  await settle();
  assert.equal(f.status.state, 'live');
  assert.equal(f.status.track?.id, 'track-c-1');
  assert.deepEqual(hub.calls.find((call) => call.event === 'consumer:resume')?.payload, { consumerId: 'c-1' });
});

test('a watch sent before the feed existed: its answer is the first, nothing is asked twice, and a consumer that came first plays', async () => {
  let answer!: (value: WatchResponse) => void;
  const sent: SentWatch = { answer: new Promise<WatchResponse>((resolve) => (answer = resolve)), sentAt: 12 };
  const { feed: f, hub } = feed({ sent });
  f.start();
  f.handleConsumer(consumerOptions('c-1'));
  await settle();
  assert.equal(hub.called('camera:watch'), 0, 'the early watch is not sent again');
  assert.equal(f.watchStartedAt, 12, 'timed from when it was sent');
  assert.equal(f.status.state, 'live');
  answer({ cameraId: 'cam-1', state: 'connecting' } as WatchResponse);
  await settle();
  assert.equal(f.status.state, 'live', 'the answer does not override the newer consumer');
});

test('an early watch refused: the refusal is the feed\'s, and a retry asks the hub itself', async () => {
  const sent: SentWatch = { answer: Promise.reject(new AppError('RATE_LIMITED', 'slow down')), sentAt: 0 };
  sent.answer.catch(() => undefined);
  const { feed: f, hub } = feed({ sent, retryPolicy: retryAtOnce });
  f.start();
  await settle();
  assert.equal(hub.called('camera:watch'), 1, 'retried with a watch of its own');
  assert.equal(f.status.state, 'connecting');
});

test('the camera drops: offline with the reason, then live again on the next stream', async () => {
  const { feed: f, consumers } = feed();
  f.start();
  f.handleConsumer(consumerOptions('c-1'));
  await settle();
  f.handleConsumerClosed({ cameraId: 'cam-1', consumerId: 'c-1', reason: { code: 'CAMERA_OFFLINE', message: 'camera dropped' } });
  assert.equal(consumers[0]!.closed, true);
  assert.equal(f.status.track, null);
  assert.equal(f.status.state, 'offline');
  assert.equal(f.status.error?.code, 'CAMERA_OFFLINE');
  f.handleState({ cameraId: 'cam-1', state: 'reconnecting', retryAt: 1_000 });
  assert.equal(f.status.state, 'reconnecting');
  assert.equal(f.status.retryAt, 1_000);
  f.handleState({ cameraId: 'cam-1', state: 'live' });
  f.handleConsumer(consumerOptions('c-2'));
  await settle();
  assert.equal(f.status.state, 'live');
  assert.equal(f.status.error, null);
});

test('the feed says which path its picture takes, and none between pictures', async () => {
  const { feed: f } = feed();
  f.start();
  f.handleConsumer(consumerOptions('c-1', 'transcode'));
  await settle();
  assert.equal(f.status.path, 'transcode');
  f.handleConsumerClosed({ cameraId: 'cam-1', consumerId: 'c-1', reason: { code: 'CAMERA_OFFLINE', message: 'camera dropped' } });
  assert.equal(f.status.path, null);
  f.handleConsumer(consumerOptions('c-2'));
  await settle();
  assert.equal(f.status.path, 'passthrough');
});

test('a codec the hub cannot serve ends the feed as unsupported, with the codec named, never offline or retried', async () => {
  const { feed: f, hub } = feed({ retryPolicy: retryAtOnce });
  f.start();
  await settle();
  f.handleState({ cameraId: 'cam-1', state: 'unsupported' });
  f.handleConsumerClosed({ cameraId: 'cam-1', consumerId: '', reason: { code: 'CODEC_UNSUPPORTED', message: 'H.265 Main 10: cannot serve', codec: 'H.265 Main 10' } });
  assert.equal(f.status.state, 'unsupported');
  assert.equal(f.status.error?.codec, 'H.265 Main 10');
  assert.equal(f.status.retryAt, null);
  await settle();
  assert.equal(hub.called('camera:watch'), 1, 'not watched again');
});

test('tiles hear that the track is going before it is stopped, so they can keep its last frame', async () => {
  const { feed: f, consumers } = feed();
  f.start();
  f.handleConsumer(consumerOptions('c-1'));
  await settle();
  let stoppedWhenTold: boolean | undefined;
  f.onStatus((status) => {
    if (status.track === null && stoppedWhenTold === undefined) stoppedWhenTold = consumers[0]!.closed;
  });
  f.handleConsumerClosed({ cameraId: 'cam-1', consumerId: 'c-1', reason: { code: 'CAMERA_OFFLINE', message: 'camera dropped' } });
  assert.equal(stoppedWhenTold, false, 'the old track was still playing when the tile was told');
  assert.equal(consumers[0]!.closed, true);
});

test('out of scope is denied for good, an expired token is expired', async () => {
  for (const [code, state] of [
    ['CAMERA_OUT_OF_SCOPE', 'denied'],
    ['AUTH_TOKEN_EXPIRED', 'expired'],
    ['CAMERA_UNKNOWN', 'offline'],
    ['CODEC_UNSUPPORTED', 'unsupported']
  ] as const) {
    const hub = new ScriptedHub();
    hub.answers.set('camera:watch', () => Promise.reject(new AppError(code, 'no')));
    const { feed: f } = feed({ hub, retryPolicy: retryAtOnce });
    f.start();
    await settle();
    assert.equal(f.status.state, state, code);
    assert.equal(hub.called('camera:watch'), 1, `${code} is not retried`);
  }
});

test('a retryable refusal is asked again and then succeeds', async () => {
  const hub = new ScriptedHub();
  let refusals = 2;
  hub.answers.set('camera:watch', async () => {
    if (refusals-- > 0) throw new AppError('RATE_LIMITED', 'slow down');
    return { cameraId: 'cam-1', state: 'live' };
  });
  const { feed: f, statuses } = feed({ hub, retryPolicy: retryAtOnce });
  f.start();
  await settle();
  await settle();
  assert.equal(hub.called('camera:watch'), 3);
  assert.ok(statuses.some((status) => status.state === 'reconnecting' && status.retryAt !== null));
  assert.equal(f.status.state, 'connecting');
  assert.equal(f.status.retryAt, null);
});

test('a consumer closed while being set up is closed and never shown', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { feed: f, consumers, hub } = feed({
    consume: async (o) => {
      await gate;
      return fakeConsumer(o.id);
    }
  });
  f.start();
  f.handleConsumer(consumerOptions('c-1'));
  await settle();
  f.handleConsumerClosed({ cameraId: 'cam-1', consumerId: 'c-1', reason: { code: 'CAMERA_OFFLINE', message: 'gone' } });
  release();
  await settle();
  assert.equal(consumers[0]!.closed, true);
  assert.equal(f.status.track, null);
  assert.equal(hub.called('consumer:resume'), 0);
});

test('close(unwatch) tells the hub, closes the consumer and goes quiet', async () => {
  const { feed: f, hub, consumers, statuses } = feed();
  f.start();
  f.handleConsumer(consumerOptions('c-1'));
  await settle();
  const before = statuses.length;
  f.close({ unwatch: true });
  f.handleState({ cameraId: 'cam-1', state: 'offline' });
  assert.equal(consumers[0]!.closed, true);
  assert.equal(hub.called('camera:unwatch'), 1);
  assert.equal(statuses.length, before);
});

test('a lost connection is left to the session, not retried by the feed', async () => {
  const hub = new ScriptedHub();
  hub.answers.set('camera:watch', () => Promise.reject(new AppError('CONNECTION_LOST', 'dropped')));
  const { feed: f } = feed({ hub, retryPolicy: { nextRetryDelayMs: () => 0 } });
  f.start();
  await settle();
  assert.equal(hub.called('camera:watch'), 1);
  assert.equal(f.status.state, 'connecting');
});

test('access taken away while live: the picture stops for good with the reason', async () => {
  for (const [code, state] of [
    ['GRANT_ENDED', 'expired'],
    ['INCIDENT_CLOSED', 'expired'],
    ['TOKEN_REVOKED', 'denied'],
    ['KEY_WITHDRAWN', 'denied'],
    ['PURPOSE_NOT_ALLOWED', 'denied'],
    ['FORBIDDEN', 'denied'],
    ['AUDIT_UNAVAILABLE', 'denied']
  ] as const) {
    const { feed: f, consumers, hub } = feed({ retryPolicy: { nextRetryDelayMs: () => 0 } });
    f.start();
    f.handleConsumer(consumerOptions('c-1'));
    await settle();
    assert.equal(f.status.state, 'live', code);
    f.handleConsumerClosed({ cameraId: 'cam-1', consumerId: 'c-1', reason: { code, message: 'ended' } });
    assert.equal(consumers[0]!.closed, true, `${code}: consumer closed`);
    assert.equal(f.status.state, state, code);
    assert.equal(f.status.error?.code, code);
    // A stream restart after the verdict is not shown, and nothing is asked again.
    f.handleState({ cameraId: 'cam-1', state: 'reconnecting', retryAt: Date.now() + 1_000 });
    f.handleConsumer(consumerOptions('c-2'));
    await settle();
    assert.equal(f.status.state, state, `${code}: still ${state}`);
    assert.equal(f.status.track, null);
    assert.equal(f.status.retryAt, null);
    assert.equal(consumers.length, 1, `${code}: no new consumer`);
    assert.equal(hub.called('camera:watch'), 1, `${code}: not watched again`);
  }
});

test('a watch refused for a purpose, a revocation or a missing audit record is not retried', async () => {
  for (const code of ['PURPOSE_REQUIRED', 'PURPOSE_NOT_ALLOWED', 'TOKEN_REVOKED', 'AUDIT_UNAVAILABLE'] as const) {
    const hub = new ScriptedHub();
    hub.answers.set('camera:watch', () => Promise.reject(new AppError(code, 'no')));
    const { feed: f } = feed({ hub, retryPolicy: { nextRetryDelayMs: () => 0 } });
    f.start();
    await settle();
    assert.equal(f.status.state, 'denied', code);
    assert.equal(f.status.error?.code, code);
    assert.equal(hub.called('camera:watch'), 1, `${code} is not retried`);
  }
});

test('a feed for an incident watches with its incidentId; a monitor tile sends none', async () => {
  const forIncident = feed({ incidentId: 'inc-00000000-0000-0000-0000-000000000001' });
  forIncident.feed.start();
  const plain = feed();
  plain.feed.start();
  await settle();
  assert.equal((forIncident.hub.calls[0]!.payload as { incidentId?: string }).incidentId, 'inc-00000000-0000-0000-0000-000000000001');
  assert.equal('incidentId' in (plain.hub.calls[0]!.payload as object), false, 'backwards compatible: no key at all');
});

test('a tile refused for its scope asks again when the scope changes, and shows the picture', async () => {
  // A wall after a hub restart: its tiles watch before the grant or incident they need is back.
  for (const code of ['CAMERA_OUT_OF_SCOPE', 'INCIDENT_NOT_FOUND'] as const) {
    const hub = new ScriptedHub();
    let inScope = false;
    hub.answers.set('camera:watch', async () => {
      if (!inScope) throw new AppError(code, 'not yours');
      return { cameraId: 'cam-1', state: 'live' };
    });
    const { feed: f } = feed({ hub, retryPolicy: retryAtOnce });
    f.start();
    await settle();
    assert.equal(f.status.state, 'denied', code);
    inScope = true;
    f.handleScopeChanged();
    assert.equal(f.status.state, 'connecting', `${code}: asking again`);
    assert.equal(f.status.error, null, `${code}: the old refusal is not shown while asking again`);
    await settle();
    assert.equal(hub.called('camera:watch'), 2, code);
    f.handleConsumer(consumerOptions('c-1'));
    await settle();
    assert.equal(f.status.state, 'live', code);
  }
});

test('a scope change that overtakes the refusal of a watch on its way is not lost', async () => {
  const hub = new ScriptedHub();
  let refuse!: (error: AppError) => void;
  hub.answers.set('camera:watch', () => new Promise((_, reject) => (refuse = reject)));
  const { feed: f } = feed({ hub });
  f.start();
  await settle();
  // The hub decided before the grant, and says so after announcing the grant.
  f.handleScopeChanged();
  hub.answers.set('camera:watch', async () => ({ cameraId: 'cam-1', state: 'live' }));
  refuse(new AppError('CAMERA_OUT_OF_SCOPE', 'not yours'));
  await settle();
  assert.equal(hub.called('camera:watch'), 2, 'asked again at once');
  assert.equal(f.status.state, 'connecting');
});

test('a scope change does not reopen verdicts it cannot undo, nor a feed that is fine', async () => {
  for (const code of ['AUTH_TOKEN_EXPIRED', 'TOKEN_REVOKED', 'CODEC_UNSUPPORTED', 'CAMERA_UNKNOWN'] as const) {
    const hub = new ScriptedHub();
    hub.answers.set('camera:watch', () => Promise.reject(new AppError(code, 'no')));
    const { feed: f } = feed({ hub });
    f.start();
    await settle();
    const state = f.status.state;
    f.handleScopeChanged();
    await settle();
    assert.equal(hub.called('camera:watch'), 1, `${code} is not asked again`);
    assert.equal(f.status.state, state, code);
  }
  // A picture taken away by a grant's end stays expired: the hub will refuse it for its scope, which is not the truth to show.
  const { feed: ended, hub: endedHub } = feed();
  ended.start();
  ended.handleConsumer(consumerOptions('c-1'));
  await settle();
  ended.handleConsumerClosed({ cameraId: 'cam-1', consumerId: 'c-1', reason: { code: 'GRANT_ENDED', message: 'ended' } });
  ended.handleScopeChanged();
  await settle();
  assert.equal(ended.status.state, 'expired');
  assert.equal(endedHub.called('camera:watch'), 1);
  // A live feed is left alone.
  const { feed: live, hub: liveHub } = feed();
  live.start();
  live.handleConsumer(consumerOptions('c-2'));
  await settle();
  live.handleScopeChanged();
  await settle();
  assert.equal(live.status.state, 'live');
  assert.equal(liveHub.called('camera:watch'), 1);
});

test('a closed feed ignores a scope change', async () => {
  const hub = new ScriptedHub();
  hub.answers.set('camera:watch', () => Promise.reject(new AppError('CAMERA_OUT_OF_SCOPE', 'no')));
  const { feed: f } = feed({ hub });
  f.start();
  await settle();
  f.close({ unwatch: false });
  f.handleScopeChanged();
  await settle();
  assert.equal(hub.called('camera:watch'), 1);
});
