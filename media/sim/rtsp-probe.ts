/**
 * A minimal RTSP-over-TCP (interleaved) client for testing the simulated cameras: DESCRIBE,
 * SETUP one video track on channels 0/1, PLAY, then report every RTP packet with its H.264
 * NAL types, and send RTCP PLI/FIR back on the interleaved RTCP channel.
 *
 * Test tooling, not the hub's ingest: no auth, no redirects, one H.264 track.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';

export interface RtpPacketInfo {
  /** performance.now() when the packet's last byte was read. */
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
  rtcp: [data: Buffer];
  close: [];
  error: [error: Error];
}

export interface RtspResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

export const NAL_IDR = 5;
export const NAL_SPS = 7;
export const NAL_PPS = 8;

/** NAL unit types carried by one H.264 RTP payload (RFC 6184). */
export function h264NalTypes(payload: Buffer): number[] {
  if (payload.length === 0) return [];
  const type = (payload[0] ?? 0) & 0x1f;
  if (type === 24) {
    const types: number[] = [];
    for (let offset = 1; offset + 2 < payload.length; ) {
      const size = payload.readUInt16BE(offset);
      types.push((payload[offset + 2] ?? 0) & 0x1f);
      offset += 2 + size;
    }
    return types;
  }
  if (type === 28) {
    const header = payload[1] ?? 0;
    return header & 0x80 ? [header & 0x1f] : [];
  }
  return [type];
}

/** An RTCP compound packet: an empty receiver report followed by a PLI (or FIR). */
export function keyframeRequest(senderSsrc: number, mediaSsrc: number, kind: 'pli' | 'fir', firSeq = 0): Buffer {
  const rr = Buffer.alloc(8);
  rr.writeUInt8(0x80, 0); // V=2, RC=0
  rr.writeUInt8(201, 1);
  rr.writeUInt16BE(1, 2);
  rr.writeUInt32BE(senderSsrc >>> 0, 4);
  if (kind === 'pli') {
    const pli = Buffer.alloc(12);
    pli.writeUInt8(0x81, 0); // V=2, FMT=1
    pli.writeUInt8(206, 1); // PSFB
    pli.writeUInt16BE(2, 2);
    pli.writeUInt32BE(senderSsrc >>> 0, 4);
    pli.writeUInt32BE(mediaSsrc >>> 0, 8);
    return Buffer.concat([rr, pli]);
  }
  const fir = Buffer.alloc(20);
  fir.writeUInt8(0x84, 0); // V=2, FMT=4
  fir.writeUInt8(206, 1);
  fir.writeUInt16BE(4, 2);
  fir.writeUInt32BE(senderSsrc >>> 0, 4);
  fir.writeUInt32BE(0, 8); // media source SSRC is unused for FIR
  fir.writeUInt32BE(mediaSsrc >>> 0, 12);
  fir.writeUInt8(firSeq & 0xff, 16);
  return Buffer.concat([rr, fir]);
}

export class RtspProbe extends EventEmitter<RtspProbeEvents> {
  readonly #url: URL;
  readonly #socket: net.Socket;
  readonly #senderSsrc = (Math.random() * 0xffffffff) >>> 0;
  #buffer: Buffer = Buffer.alloc(0);
  #cseq = 0;
  #session: string | undefined;
  #pending = new Map<number, { resolve: (r: RtspResponse) => void; reject: (e: Error) => void }>();
  #closed = false;
  #firSeq = 0;
  #packets = 0;
  /** SSRC of the video stream: from the SETUP reply, else from the first RTP packet. */
  mediaSsrc: number | undefined;
  sdp = '';

  private constructor(url: string, socket: net.Socket) {
    super();
    this.#url = new URL(url);
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('RTSP connection closed')));
  }

  /** Connects, DESCRIBEs, SETUPs the first media over TCP and PLAYs. */
  static async open(url: string, timeoutMs = 10_000): Promise<RtspProbe> {
    const parsed = new URL(url);
    const socket = net.connect({ host: parsed.hostname, port: Number(parsed.port || 554) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const probe = new RtspProbe(url, socket);
    const timer = setTimeout(() => probe.close(), timeoutMs);
    try {
      const described = await probe.request('DESCRIBE', url, { Accept: 'application/sdp' });
      if (described.status !== 200) throw new Error(`DESCRIBE: ${described.status}`);
      probe.sdp = described.body;
      const base = described.headers.get('content-base') ?? url;
      const control = /a=control:(\S+)/.exec(described.body.split(/m=video/)[1] ?? '')?.[1] ?? '';
      const trackUrl = /^rtsp:/i.test(control) ? control : new URL(control, base.endsWith('/') ? base : `${base}/`).href;
      const setup = await probe.request('SETUP', trackUrl, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
      if (setup.status !== 200) throw new Error(`SETUP: ${setup.status}`);
      probe.#session = setup.headers.get('session')?.split(';')[0];
      // The server names its SSRC in the reply, so a PLI can go out before the first packet.
      const ssrc = /;ssrc=([0-9a-f]{1,8})/i.exec(setup.headers.get('transport') ?? '')?.[1];
      if (ssrc) probe.mediaSsrc = parseInt(ssrc, 16);
      const play = await probe.request('PLAY', url, { Range: 'npt=0.000-' });
      if (play.status !== 200) throw new Error(`PLAY: ${play.status}`);
      return probe;
    } catch (error) {
      probe.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  request(method: string, url: string, headers: Record<string, string> = {}): Promise<RtspResponse> {
    if (this.#closed) return Promise.reject(new Error('RTSP probe closed'));
    const cseq = ++this.#cseq;
    const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${cseq}`, 'User-Agent: golden-time-probe'];
    if (this.#session) lines.push(`Session: ${this.#session}`);
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    this.#socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return new Promise((resolve, reject) => this.#pending.set(cseq, { resolve, reject }));
  }

  /** Sends an RTCP PLI (or FIR) for the video stream on the interleaved RTCP channel. */
  requestKeyframe(kind: 'pli' | 'fir' = 'pli'): void {
    if (this.mediaSsrc === undefined) throw new Error('no RTP received yet');
    const rtcp = keyframeRequest(this.#senderSsrc, this.mediaSsrc, kind, this.#firSeq++);
    const header = Buffer.from([0x24, 1, 0, 0]);
    header.writeUInt16BE(rtcp.length, 2);
    this.#socket.write(Buffer.concat([header, rtcp]));
  }

  /** Resolves with the first RTP packet for which `predicate` holds. */
  waitFor(predicate: (packet: RtpPacketInfo) => boolean, timeoutMs = 10_000, what = 'RTP'): Promise<RtpPacketInfo> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${this.#url.href}: no ${what} within ${timeoutMs} ms (${this.#packets} packets so far)`)),
        timeoutMs,
      );
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
    if (this.#closed) return;
    if (this.#session && !this.#socket.destroyed) {
      this.#socket.write(`TEARDOWN ${this.#url.href} RTSP/1.0\r\nCSeq: ${++this.#cseq}\r\nSession: ${this.#session}\r\n\r\n`);
    }
    this.#socket.destroy();
    this.#fail(new Error('RTSP probe closed'));
  }

  #fail(error: Error): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
    if (!this.#closed) {
      this.#closed = true;
      this.#socket.destroy();
      this.emit('close');
    }
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    for (;;) {
      if (this.#buffer.length === 0) return;
      if (this.#buffer[0] === 0x24) {
        if (this.#buffer.length < 4) return;
        const size = this.#buffer.readUInt16BE(2);
        if (this.#buffer.length < 4 + size) return;
        const channel = this.#buffer[1];
        const data = this.#buffer.subarray(4, 4 + size);
        this.#buffer = this.#buffer.subarray(4 + size);
        if (channel === 0) this.#onRtp(data);
        else this.emit('rtcp', Buffer.from(data));
        continue;
      }
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.#buffer.subarray(0, end).toString('utf8').split('\r\n');
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const length = Number(headers.get('content-length') ?? 0);
      if (this.#buffer.length < end + 4 + length) return;
      const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(end + 4 + length);
      const status = Number(/^RTSP\/1\.0 (\d+)/.exec(head[0] ?? '')?.[1] ?? 0);
      const cseq = Number(headers.get('cseq'));
      const pending = this.#pending.get(cseq);
      this.#pending.delete(cseq);
      pending?.resolve({ status, headers, body });
    }
  }

  #onRtp(data: Buffer): void {
    if (data.length < 12) return;
    const csrcCount = (data[0] ?? 0) & 0x0f;
    let offset = 12 + 4 * csrcCount;
    if ((data[0] ?? 0) & 0x10) offset += 4 + 4 * data.readUInt16BE(offset + 2);
    let end = data.length;
    if ((data[0] ?? 0) & 0x20) end -= data[data.length - 1] ?? 0;
    const payload = data.subarray(offset, end);
    const ssrc = data.readUInt32BE(8);
    this.mediaSsrc ??= ssrc;
    this.#packets++;
    this.emit('rtp', {
      receivedAt: performance.now(),
      sequence: data.readUInt16BE(2),
      timestamp: data.readUInt32BE(4),
      ssrc,
      marker: ((data[1] ?? 0) & 0x80) !== 0,
      nalTypes: h264NalTypes(payload),
      payloadSize: payload.length,
    });
  }
}
