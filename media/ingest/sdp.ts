/** Just enough SDP to pull H.264 video from an RTSP camera: the video section, its codec and control URL. */

export interface SdpVideo {
  payloadType: number;
  codec: string;
  clockRate: number;
  fmtp: Record<string, string>;
  /** Absolute or relative control URL of the video track, or undefined for the session's own. */
  control: string | undefined;
}

export interface SdpSession {
  control: string | undefined;
  video: SdpVideo[];
}

export function parseSdp(text: string): SdpSession {
  const session: SdpSession = { control: undefined, video: [] };
  let section: { kind: string; payloadTypes: number[]; rtpmap: Map<number, [string, number]>; fmtp: Map<number, string>; control?: string } | undefined;
  const sections: NonNullable<typeof section>[] = [];

  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('m=')) {
      const [kind = '', , , ...pts] = line.slice(2).split(/\s+/);
      section = { kind, payloadTypes: pts.map(Number).filter(Number.isInteger), rtpmap: new Map(), fmtp: new Map() };
      sections.push(section);
    } else if (line.startsWith('a=control:')) {
      const value = line.slice('a=control:'.length).trim();
      if (section) section.control = value;
      else session.control = value;
    } else if (section && line.startsWith('a=rtpmap:')) {
      const match = /^a=rtpmap:(\d+)\s+([^/\s]+)\/(\d+)/.exec(line);
      if (match) section.rtpmap.set(Number(match[1]), [match[2]!, Number(match[3])]);
    } else if (section && line.startsWith('a=fmtp:')) {
      const match = /^a=fmtp:(\d+)\s+(.*)$/.exec(line);
      if (match) section.fmtp.set(Number(match[1]), match[2]!);
    }
  }

  for (const s of sections) {
    if (s.kind !== 'video') continue;
    for (const pt of s.payloadTypes) {
      const map = s.rtpmap.get(pt);
      if (!map) continue;
      session.video.push({
        payloadType: pt,
        codec: map[0].toUpperCase(),
        clockRate: map[1],
        fmtp: parseFmtp(s.fmtp.get(pt) ?? ''),
        control: s.control
      });
    }
  }
  return session;
}

function parseFmtp(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return params;
}

/**
 * The H.264 profile-level-id of a stream: from the fmtp, else from the SPS in
 * sprop-parameter-sets (bytes 1–3 of the SPS NAL unit), else undefined.
 */
export function h264ProfileLevelId(fmtp: Record<string, string>): string | undefined {
  const direct = fmtp['profile-level-id'];
  if (direct && /^[0-9a-fA-F]{6}$/.test(direct)) return direct.toLowerCase();
  const sps = fmtp['sprop-parameter-sets']?.split(',')[0];
  if (!sps) return undefined;
  const bytes = Buffer.from(sps, 'base64');
  if (bytes.length < 4 || (bytes[0]! & 0x1f) !== 7) return undefined;
  return bytes.subarray(1, 4).toString('hex');
}

/** Resolves a track's control attribute against the presentation's base URL (RFC 2326 C.1.1). */
export function resolveControl(base: string, control: string | undefined): string {
  if (!control || control === '*') return base;
  if (/^rtsp:\/\//i.test(control)) return control;
  return base.endsWith('/') ? base + control : `${base}/${control}`;
}
