/**
 * A minimal RTSP 1.0 client (RFC 2326) for pulling one video track (H.264 first) from an IP
 * camera, over either transport:
 * - TCP interleaved: works through any firewall and never loses packets to UDP drops; RTP and
 *   RTCP packets are handed out untouched (`rtp`/`rtcp` events) for the hub to forward.
 * - UDP: the camera sends RTP/RTCP to ports the caller owns (a mediasoup PlainTransport), so
 *   no media passes through this client; it only holds the RTSP session open.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { h264ProfileLevelId, parseSdp, resolveControl, type SdpVideo } from './sdp.ts';

export interface RtspTrack extends SdpVideo {
  profileLevelId: string | undefined;
  /** The stream's SSRC when the SETUP reply names it (needed to receive over UDP). */
  ssrc: number | undefined;
  /** Over UDP: where the camera sends from (its RTP and RTCP ports). */
  udp?: { address: string; rtpPort: number; rtcpPort: number };
}

/** How the camera delivers media: interleaved on the RTSP connection, or to our UDP ports. */
export type RtspTransport = { kind: 'tcp' } | { kind: 'udp'; rtpPort: number; rtcpPort: number };

/** Picks the transport once the camera has described its video (what it sends may decide it). */
export type ChooseTransport = (video: SdpVideo) => Promise<RtspTransport>;

export interface RtspClientOptions {
  /** Time allowed for connecting and for each response. */
  timeoutMs?: number;
  /** The session is considered dead when no RTP arrives for this long. */
  dataTimeoutMs?: number;
}

interface RtspResponse {
  status: number;
  reason: string;
  headers: Map<string, string>;
  body: string;
}

type ClientEvents = {
  rtp: [packet: Buffer];
  rtcp: [packet: Buffer];
  /** The connection ended; `error` says why unless close() was called. */
  close: [error: Error | undefined];
};

export class RtspError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** The camera would not deliver over UDP (no server ports in its SETUP reply). */
    readonly udpRefused = false
  ) {
    super(message);
    this.name = 'RtspError';
  }
}

export class RtspClient extends EventEmitter<ClientEvents> {
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #dataTimeoutMs: number;
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #cseq = 0;
  #pending: { cseq: number; resolve: (r: RtspResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  #session: string | undefined;
  #authorization: ((method: string, uri: string) => string) | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #dataTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #rtpChannel = 0;
  #rtcpChannel = 1;
  #playUrl = '';
  #sdp = '';

  constructor(url: string, options: RtspClientOptions = {}) {
    super();
    this.#url = new URL(url);
    if (this.#url.protocol !== 'rtsp:') throw new RtspError(`not an rtsp:// URL: ${this.#url.protocol}`);
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#dataTimeoutMs = options.dataTimeoutMs ?? 5000;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The camera's session description, once DESCRIBE has answered. */
  get sdp(): string {
    return this.#sdp;
  }

  /**
   * Connects, negotiates the video track (H.264 first) and starts playing. Resolves with that
   * track. `choose` picks the transport after DESCRIBE; `beforePlay` runs between SETUP and PLAY:
   * a receiver for UDP must be ready for the first packet, often the only keyframe for seconds.
   */
  async start(choose: ChooseTransport = async () => ({ kind: 'tcp' }), beforePlay?: (track: RtspTrack) => Promise<void>): Promise<RtspTrack> {
    await this.#connect();
    const base = this.#baseUrl();
    await this.#request('OPTIONS', base);
    const describe = await this.#request('DESCRIBE', base, { Accept: 'application/sdp' });
    const contentBase = describe.headers.get('content-base') ?? describe.headers.get('content-location') ?? base;
    this.#sdp = describe.body;
    const sdp = parseSdp(describe.body);
    // H.264 if offered, else H.265, else whatever video there is: the caller decides what it can serve.
    const video = sdp.video.find((v) => v.codec === 'H264') ?? sdp.video.find((v) => v.codec === 'H265') ?? sdp.video[0];
    if (!video) throw new RtspError('camera offers no video');
    const transport = await choose(video);

    const sessionBase = resolveControl(contentBase, sdp.control);
    const trackUrl = resolveControl(contentBase, video.control);
    const setup = await this.#request('SETUP', trackUrl, {
      Transport:
        transport.kind === 'tcp'
          ? `RTP/AVP/TCP;unicast;interleaved=${this.#rtpChannel}-${this.#rtcpChannel}`
          : // RTCP need not be RTP+1: the range names both ports (mediasoup picks them apart).
            `RTP/AVP;unicast;client_port=${transport.rtpPort}-${transport.rtcpPort}`
    });
    const sessionHeader = setup.headers.get('session');
    if (!sessionHeader) throw new RtspError('SETUP response carries no Session');
    const [sessionId = '', ...sessionParams] = sessionHeader.split(';');
    this.#session = sessionId.trim();
    const timeoutParam = sessionParams.map((p) => p.trim()).find((p) => p.startsWith('timeout='));
    const sessionTimeoutSec = timeoutParam ? Number(timeoutParam.slice('timeout='.length)) || 60 : 60;
    const transportReply = setup.headers.get('transport') ?? '';
    const interleaved = /interleaved=(\d+)-(\d+)/.exec(transportReply);
    if (interleaved) {
      this.#rtpChannel = Number(interleaved[1]);
      this.#rtcpChannel = Number(interleaved[2]);
    }

    const ssrcParam = /;\s*ssrc=([0-9a-fA-F]{1,8})/.exec(transportReply);
    const ssrc = ssrcParam ? Number.parseInt(ssrcParam[1]!, 16) : undefined;
    let udp: RtspTrack['udp'];
    if (transport.kind === 'udp') {
      const ports = /server_port=(\d+)(?:-(\d+))?/.exec(transportReply);
      if (!ports) throw new RtspError('SETUP over UDP: the camera named no server_port', undefined, true);
      const source = /;\s*source=([^;]+)/.exec(transportReply)?.[1]?.trim();
      udp = { address: source ?? this.#socket?.remoteAddress ?? this.#url.hostname, rtpPort: Number(ports[1]), rtcpPort: Number(ports[2] ?? Number(ports[1]) + 1) };
    }

    const track: RtspTrack = { ...video, profileLevelId: h264ProfileLevelId(video.fmtp), ssrc, ...(udp ? { udp } : {}) };
    await beforePlay?.(track);

    this.#playUrl = sessionBase;
    await this.#request('PLAY', this.#playUrl, { Range: 'npt=0.000-' });
    // Over UDP no packet passes here: the owner of the ports watches for silence.
    if (transport.kind === 'tcp') this.#armDataTimer();
    // Keep the RTSP session alive well inside its timeout; RTCP alone is not enough for all cameras.
    this.#keepAlive = setInterval(() => {
      this.#request('GET_PARAMETER', this.#playUrl).catch(() => undefined);
    }, Math.max(1000, (sessionTimeoutSec * 1000) / 2));
    this.#keepAlive.unref();

    return track;
  }

  /** Sends an RTCP packet (receiver reports, PLI/FIR keyframe requests) to the camera over TCP. */
  sendRtcp(packet: Buffer): void {
    const socket = this.#socket;
    if (!socket || this.#closed || !socket.writable) return;
    const header = Buffer.from([0x24, this.#rtcpChannel, packet.length >> 8, packet.length & 0xff]);
    socket.write(Buffer.concat([header, packet]));
  }

  /** Ends the session (TEARDOWN, best effort) and the connection. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#socket?.writable && this.#session) {
      this.#socket.write(this.#format('TEARDOWN', this.#playUrl || this.#baseUrl(), {}));
    }
    this.#finish(undefined);
  }

  #finish(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepAlive);
    clearTimeout(this.#dataTimer);
    if (this.#pending) {
      clearTimeout(this.#pending.timer);
      this.#pending.reject(error ?? new RtspError('RTSP client closed'));
      this.#pending = undefined;
    }
    this.#socket?.destroy();
    this.emit('close', error);
  }

  #baseUrl(): string {
    // Credentials travel in the Authorization header, never in the request line.
    const url = new URL(this.#url.href);
    url.username = '';
    url.password = '';
    return url.href;
  }

  #connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = Number(this.#url.port) || 554;
      const socket = connect({ host: this.#url.hostname, port, noDelay: true });
      this.#socket = socket;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RtspError(`connect to ${this.#url.hostname}:${port} timed out`));
      }, this.#timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new RtspError(`cannot reach camera: ${error.message}`));
        this.#finish(new RtspError(`connection error: ${error.message}`));
      });
      socket.on('data', (chunk) => this.#onData(chunk));
      socket.once('close', () => this.#finish(new RtspError('camera closed the connection')));
    });
  }

  #armDataTimer(): void {
    clearTimeout(this.#dataTimer);
    this.#dataTimer = setTimeout(() => this.#finish(new RtspError(`no video for ${this.#dataTimeoutMs} ms`)), this.#dataTimeoutMs);
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    let offset = 0;
    while (offset < this.#buffer.length && !this.#closed) {
      if (this.#buffer[offset] === 0x24) {
        if (this.#buffer.length - offset < 4) break;
        const channel = this.#buffer[offset + 1]!;
        const length = this.#buffer.readUInt16BE(offset + 2);
        if (this.#buffer.length - offset < 4 + length) break;
        // Copy: the packet outlives this read buffer (it is sent on asynchronously).
        const packet = Buffer.from(this.#buffer.subarray(offset + 4, offset + 4 + length));
        offset += 4 + length;
        if (channel === this.#rtpChannel) {
          this.#dataTimer?.refresh();
          this.emit('rtp', packet);
        } else if (channel === this.#rtcpChannel) {
          this.emit('rtcp', packet);
        }
        continue;
      }
      const consumed = this.#parseResponse(offset);
      if (consumed === 0) break;
      offset += consumed;
    }
    this.#buffer = offset >= this.#buffer.length ? Buffer.alloc(0) : this.#buffer.subarray(offset);
    if (this.#buffer.length > 1 << 20) this.#finish(new RtspError('RTSP framing lost (buffer overflow)'));
  }

  /** Parses one RTSP response at `offset`; returns the bytes it used, or 0 if incomplete. */
  #parseResponse(offset: number): number {
    const headerEnd = this.#buffer.indexOf('\r\n\r\n', offset);
    if (headerEnd < 0) {
      // Junk that is neither '$' framing nor a response start would stall us forever.
      if (this.#buffer.length - offset >= 4 && this.#buffer.toString('latin1', offset, offset + 4) !== 'RTSP') {
        this.#finish(new RtspError('unexpected data from camera'));
      }
      return 0;
    }
    const head = this.#buffer.toString('utf8', offset, headerEnd).split('\r\n');
    const statusLine = /^RTSP\/1\.0\s+(\d{3})\s*(.*)$/.exec(head[0] ?? '');
    if (!statusLine) {
      this.#finish(new RtspError(`bad RTSP status line: ${(head[0] ?? '').slice(0, 80)}`));
      return 0;
    }
    const headers = new Map<string, string>();
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? 0);
    const total = headerEnd + 4 - offset + length;
    if (this.#buffer.length - offset < total) return 0;
    const body = this.#buffer.toString('utf8', headerEnd + 4, headerEnd + 4 + length);
    const response: RtspResponse = { status: Number(statusLine[1]), reason: statusLine[2] ?? '', headers, body };
    const pending = this.#pending;
    if (pending && Number(headers.get('cseq')) === pending.cseq) {
      this.#pending = undefined;
      clearTimeout(pending.timer);
      pending.resolve(response);
    }
    return total;
  }

  #format(method: string, uri: string, headers: Record<string, string>): string {
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${++this.#cseq}`, 'User-Agent: golden-time-hub'];
    if (this.#session) lines.push(`Session: ${this.#session}`);
    if (this.#authorization) lines.push(`Authorization: ${this.#authorization(method, uri)}`);
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return `${lines.join('\r\n')}\r\n\r\n`;
  }

  async #request(method: string, uri: string, headers: Record<string, string> = {}, retriedAuth = false): Promise<RtspResponse> {
    const response = await this.#send(method, uri, headers);
    if (response.status === 401 && !retriedAuth && this.#url.username) {
      this.#authorization = authorizer(response.headers.get('www-authenticate') ?? '', decodeURIComponent(this.#url.username), decodeURIComponent(this.#url.password));
      return this.#request(method, uri, headers, true);
    }
    if (response.status === 401) throw new RtspError('camera refused our credentials', 401);
    if (response.status < 200 || response.status >= 300) {
      throw new RtspError(`${method} failed: ${response.status} ${response.reason}`, response.status);
    }
    return response;
  }

  #send(method: string, uri: string, headers: Record<string, string>): Promise<RtspResponse> {
    const socket = this.#socket;
    if (!socket || this.#closed) return Promise.reject(new RtspError('RTSP client closed'));
    if (this.#pending) return Promise.reject(new RtspError('RTSP request already in flight'));
    return new Promise((resolve, reject) => {
      const text = this.#format(method, uri, headers);
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(new RtspError(`${method} timed out`));
        this.#finish(new RtspError(`${method} timed out`));
      }, this.#timeoutMs);
      this.#pending = { cseq: this.#cseq, resolve, reject, timer };
      socket.write(text);
    });
  }
}

/** Builds the Authorization header for Basic or Digest (RFC 2617, qop-less as cameras use it). */
function authorizer(challenge: string, username: string, password: string): (method: string, uri: string) => string {
  if (/^basic/i.test(challenge)) {
    const value = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    return () => value;
  }
  const params = new Map<string, string>();
  for (const match of challenge.matchAll(/(\w+)="?([^",]*)"?/g)) params.set(match[1]!.toLowerCase(), match[2]!);
  const realm = params.get('realm') ?? '';
  const nonce = params.get('nonce') ?? '';
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const ha1 = md5(`${username}:${realm}:${password}`);
  return (method, uri) => {
    const response = md5(`${ha1}:${nonce}:${md5(`${method}:${uri}`)}`);
    return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}"`;
  };
}
