/** The few numbers of a video RTCRtpReceiver's `inbound-rtp` stats that the grid shows. */

export interface ReceiverStats {
  framesDecoded: number;
  framesDropped: number;
  packetsLost: number;
  /** Mean jitter-buffer delay over the stream's life, ms. */
  jitterBufferMs: number | null;
  /** The decoder's own frame rate estimate. */
  framesPerSecond: number | null;
  frameWidth: number | null;
  frameHeight: number | null;
}

export const EMPTY_RECEIVER_STATS: ReceiverStats = Object.freeze({
  framesDecoded: 0,
  framesDropped: 0,
  packetsLost: 0,
  jitterBufferMs: null,
  framesPerSecond: null,
  frameWidth: null,
  frameHeight: null
});

interface InboundRtp {
  type: 'inbound-rtp';
  kind?: string;
  framesDecoded?: number;
  framesDropped?: number;
  packetsLost?: number;
  jitterBufferDelay?: number;
  jitterBufferEmittedCount?: number;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
}

export function readInboundVideo(report: RTCStatsReport): ReceiverStats | null {
  for (const entry of report.values() as IterableIterator<{ type: string; kind?: string }>) {
    if (entry.type !== 'inbound-rtp' || entry.kind !== 'video') continue;
    const rtp = entry as InboundRtp;
    const emitted = rtp.jitterBufferEmittedCount ?? 0;
    return {
      framesDecoded: rtp.framesDecoded ?? 0,
      framesDropped: rtp.framesDropped ?? 0,
      packetsLost: rtp.packetsLost ?? 0,
      jitterBufferMs: emitted > 0 ? ((rtp.jitterBufferDelay ?? 0) / emitted) * 1000 : null,
      framesPerSecond: rtp.framesPerSecond ?? null,
      frameWidth: rtp.frameWidth ?? null,
      frameHeight: rtp.frameHeight ?? null
    };
  }
  return null;
}
