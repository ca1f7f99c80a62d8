/**
 * One camera session's transcode: a GStreamer process that decodes the camera's RTP (H.265
 * Main, or H.264 with B-frames) and re-encodes it as constrained-baseline H.264 for every
 * browser, published as its own mediasoup Producer.
 *
 *   camera RTP ─stdin (RFC 4571 framing)→ gst: depay → parse → decode → x264enc (ultrafast,
 *   zerolatency, no B-frames, one thread) → rtph264pay → rtpbin ─UDP→ relay socket → PlainTransport
 *   PLI/FIR from mediasoup → relay socket ─fd 3→ rtpbin → keyframe from x264enc
 *
 * Owns the process, the relay socket, the PlainTransport and the Producer; close() ends them all
 * (mediasoup closes the consumers with the Producer). Owned by CameraStream, which closes it when
 * the last viewer who needs it leaves, or the camera session ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type { types as ms } from 'mediasoup';
import type { Logger } from '../server/log.ts';
import { CONSTRAINED_BASELINE } from './ingest/codec.ts';

export interface TranscoderOptions {
  cameraId: string;
  /** The camera's encoding name: H264 or H265. */
  codec: string;
  router: ms.Router;
  listenIp: string;
  log: Logger;
  /** Frames between IDRs of the output; new viewers ask for one anyway (PLI). */
  keyframeInterval?: number;
  /** Output bitrate, kbit/s. */
  bitrateKbps?: number;
}

export interface TranscoderStats {
  pid: number | undefined;
  framesIn: number;
  framesOut: number;
  /** Time from a frame's last packet in to its re-encoded last packet out, over recent frames, ms: median and 95th percentile. */
  delayMs: number | null;
  delayP95Ms: number | null;
}

type TranscoderEvents = {
  /** The process exited or failed before close(). */
  '@close': [error: Error | undefined];
};

const DECODERS: Record<string, string> = {
  H264: 'rtph264depay ! h264parse ! openh264dec',
  H265: 'rtph265depay ! h265parse ! libde265dec'
};
const DELAY_SAMPLES = 90;
const FIRST_PACKET_TIMEOUT_MS = 10_000;

export class Transcoder extends EventEmitter<TranscoderEvents> {
  readonly #options: TranscoderOptions;
  readonly #log: Logger;
  #child: ChildProcess | undefined;
  #input: Writable | undefined;
  #rtcpIn: Writable | undefined;
  #socket: Socket | undefined;
  #transport: ms.PlainTransport | undefined;
  #producer: Promise<ms.Producer> | undefined;
  #closed = false;
  #framesIn = 0;
  #framesOut = 0;
  /** performance.now() of each input frame's last packet, not yet matched by an output frame. */
  readonly #pending: number[] = [];
  readonly #delays: number[] = [];

  constructor(options: TranscoderOptions) {
    super();
    if (!(options.codec in DECODERS)) throw new Error(`no decoder for ${options.codec}`);
    this.#options = options;
    this.#log = options.log.child({ camera: options.cameraId, transcoder: true });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): TranscoderStats {
    const sorted = [...this.#delays].sort((a, b) => a - b);
    return {
      pid: this.#child?.pid,
      framesIn: this.#framesIn,
      framesOut: this.#framesOut,
      delayMs: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null,
      delayP95Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : null
    };
  }

  /** The Producer of the re-encoded stream, once its first packet arrived (shared by all callers). */
  producer(): Promise<ms.Producer> {
    this.#producer ??= this.#start();
    return this.#producer;
  }

  /** One RTP packet of the camera, as received. */
  push(packet: Buffer): void {
    const input = this.#input;
    if (!input || this.#closed || !input.writable) return;
    if (((packet[1] ?? 0) & 0x80) !== 0) {
      this.#framesIn++;
      this.#pending.push(performance.now());
      if (this.#pending.length > DELAY_SAMPLES) this.#pending.shift();
    }
    input.write(frame(packet));
  }

  close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#producer?.then((producer) => producer.close()).catch(() => undefined);
    this.#transport?.close();
    this.#socket?.close();
    this.#child?.kill('SIGKILL');
    this.emit('@close', error);
    this.removeAllListeners();
  }

  async #start(): Promise<ms.Producer> {
    const { router, listenIp } = this.#options;
    const socket = createSocket('udp4');
    this.#socket = socket;
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: listenIp }, rtcpMux: true, comedia: true });
    this.#transport = transport;
    if (this.#closed) throw new Error('transcoder closed');

    const child = spawn('gst-launch-1.0', ['-q', ...this.#pipeline(socket.address().port)], { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#input = child.stdin ?? undefined;
    this.#rtcpIn = (child.stdio[3] as Writable | null) ?? undefined;
    // EPIPE when the process dies mid-write; its exit is reported below.
    this.#input?.on('error', () => undefined);
    this.#rtcpIn?.on('error', () => undefined);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', (error) => this.close(error));
    child.once('exit', (code, signal) => {
      if (this.#closed) return;
      this.#log.warn('transcoder exited', { code, signal, stderr: stderr.trim() });
      this.close(new Error(`transcoder exited (code ${code}, signal ${signal})`));
    });

    const first = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`transcoder sent nothing in ${FIRST_PACKET_TIMEOUT_MS} ms`)), FIRST_PACKET_TIMEOUT_MS);
      const port = transport.tuple.localPort;
      socket.on('message', (packet, from) => {
        if (from.port === port) {
          // RTCP from mediasoup (receiver reports, PLI/FIR of a new viewer) goes to rtpbin.
          this.#rtcpIn?.write(frame(packet));
          return;
        }
        const rtp = isRtp(packet);
        if (rtp && (packet[1]! & 0x80) !== 0) this.#frameOut();
        socket.send(packet, port, listenIp);
        if (rtp) {
          clearTimeout(timer);
          resolve(packet);
        }
      });
      this.once('@close', (error) => {
        clearTimeout(timer);
        reject(error ?? new Error('transcoder closed'));
      });
    });
    const producer = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [
          {
            mimeType: 'video/H264',
            payloadType: 96,
            clockRate: 90000,
            parameters: { 'packetization-mode': 1, 'profile-level-id': CONSTRAINED_BASELINE, 'level-asymmetry-allowed': 1 },
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]
          }
        ],
        encodings: [{ ssrc: first.readUInt32BE(8) }],
        rtcp: { cname: `gth-${this.#options.cameraId}-transcode`, reducedSize: false }
      },
      appData: { cameraId: this.#options.cameraId, path: 'transcode' }
    });
    if (this.#closed) {
      producer.close();
      throw new Error('transcoder closed');
    }
    this.#log.info('transcoding', { pid: child.pid, codec: this.#options.codec, producer: producer.id });
    return producer;
  }

  #frameOut(): void {
    // Frames before the decoder's first keyframe never come out: start matching at the newest.
    if (this.#framesOut++ === 0) this.#pending.splice(0, this.#pending.length - 1);
    const sentAt = this.#pending.shift();
    if (sentAt === undefined) return;
    this.#delays.push(performance.now() - sentAt);
    if (this.#delays.length > DELAY_SAMPLES) this.#delays.shift();
  }

  /** gst-launch arguments: camera RTP on stdin, RTCP for rtpbin on fd 3, RTP and RTCP out to `port`. */
  #pipeline(port: number): string[] {
    const { codec, keyframeInterval = 30, bitrateKbps = 1000 } = this.#options;
    const out = `udpsink host=127.0.0.1 port=${port} sync=false async=false`;
    return [
      `rtpbin name=rtpbin`,
      `fdsrc fd=0 do-timestamp=true ! application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=${codec}`,
      `! rtpstreamdepay ! ${DECODERS[codec]} ! videoconvert`,
      `! x264enc tune=zerolatency speed-preset=ultrafast bframes=0 threads=1 key-int-max=${keyframeInterval} bitrate=${bitrateKbps} vbv-buf-capacity=1000`,
      `! video/x-h264,profile=constrained-baseline ! rtph264pay pt=96 config-interval=-1 aggregate-mode=zero-latency`,
      `! rtpbin.send_rtp_sink_0 rtpbin.send_rtp_src_0 ! ${out}`,
      `rtpbin.send_rtcp_src_0 ! ${out}`,
      `fdsrc fd=3 ! application/x-rtcp-stream ! rtpstreamdepay ! rtpbin.recv_rtcp_sink_0`
    ]
      .join(' ')
      .split(' ');
  }
}

/** RFC 4571 framing: a 16-bit length before each packet (what rtpstreamdepay reads). */
function frame(packet: Buffer): Buffer {
  const header = Buffer.allocUnsafe(2);
  header.writeUInt16BE(packet.length, 0);
  return Buffer.concat([header, packet]);
}

/** RTP rather than RTCP on a muxed port (RFC 5761: RTCP packet types 192–223). */
function isRtp(packet: Buffer): boolean {
  const type = packet[1] ?? 0;
  return packet.length >= 12 && (type < 192 || type > 223);
}
