/**
 * Test tooling for the simulated cameras: the hub's own RtspClient, plus what a test wants to
 * see of each RTP packet (sequence, timestamp, NAL types) and keyframe requests on demand.
 */
import { EventEmitter } from 'node:events';
import { h264NalTypes, keyframeRequest, rtpPayload } from '../ingest/h264.ts';
import { RtspClient } from '../ingest/rtsp-client.ts';

export { NAL_IDR, NAL_PPS, NAL_SPS, h264NalTypes, keyframeRequest } from '../ingest/h264.ts';

export interface RtpPacketInfo {
  /** performance.now() when the packet was read. */
  receivedAt: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  /** NAL unit types in the payload (STAP-A unpacked; FU-A reported on its start fragment). */
  nalTypes: number[];
  payloadSize: number;
}

export interface RtspProbeEvents {
  rtp: [packet: RtpPacketInfo];
  close: [];
}

export class RtspProbe extends EventEmitter<RtspProbeEvents> {
  readonly #client: RtspClient;
  readonly #senderSsrc = (Math.random() * 0xffffffff) >>> 0;
  #firSeq = 0;
  #packets = 0;
  /** SSRC of the video stream, from the first RTP packet. */
  mediaSsrc: number | undefined;

  private constructor(client: RtspClient) {
    super();
    this.#client = client;
    client.on('rtp', (packet) => {
      this.#packets++;
      const payload = rtpPayload(packet);
      const info: RtpPacketInfo = {
        receivedAt: performance.now(),
        sequence: packet.readUInt16BE(2),
        timestamp: packet.readUInt32BE(4),
        ssrc: packet.readUInt32BE(8),
        marker: ((packet[1] ?? 0) & 0x80) !== 0,
        nalTypes: h264NalTypes(payload),
        payloadSize: payload.length
      };
      this.mediaSsrc ??= info.ssrc;
      this.emit('rtp', info);
    });
    client.once('close', () => this.emit('close'));
  }

  /** Connects, negotiates the H.264 track over TCP interleaved and plays. */
  static async open(url: string, timeoutMs = 10_000): Promise<RtspProbe> {
    const client = new RtspClient(url, { timeoutMs, dataTimeoutMs: 60_000 });
    const probe = new RtspProbe(client);
    try {
      await client.start();
    } catch (error) {
      client.close();
      throw error;
    }
    return probe;
  }

  get sdp(): string {
    return this.#client.sdp;
  }

  /** Sends an RTCP PLI (or FIR) for the video stream on the interleaved RTCP channel. */
  requestKeyframe(kind: 'pli' | 'fir' = 'pli'): void {
    if (this.mediaSsrc === undefined) throw new Error('no RTP received yet');
    this.#client.sendRtcp(keyframeRequest(this.#senderSsrc, this.mediaSsrc, kind, this.#firSeq++));
  }

  /** Resolves with the first RTP packet for which `predicate` holds. */
  waitFor(predicate: (packet: RtpPacketInfo) => boolean, timeoutMs = 10_000, what = 'RTP'): Promise<RtpPacketInfo> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ${what} within ${timeoutMs} ms (${this.#packets} packets so far)`)), timeoutMs);
      const onRtp = (packet: RtpPacketInfo): void => {
        if (predicate(packet)) finish(undefined, packet);
      };
      const onClose = (): void => finish(new Error('RTSP connection closed'));
      const finish = (error?: Error, packet?: RtpPacketInfo): void => {
        clearTimeout(timer);
        this.off('rtp', onRtp);
        this.off('close', onClose);
        if (packet) resolve(packet);
        else reject(error);
      };
      this.on('rtp', onRtp);
      this.on('close', onClose);
    });
  }

  close(): void {
    this.#client.close();
  }
}
