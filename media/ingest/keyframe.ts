/**
 * The latest keyframe of an H.264 RTP stream (RFC 6184), kept so a tile can show a picture at
 * once instead of waiting for the camera's next IDR. Only the packets of an access unit that
 * starts with parameter sets or an IDR are copied; every other packet costs a header read.
 * A finished keyframe is one Annex-B access unit (SPS, PPS, IDR slices) that a decoder such as
 * WebCodecs' VideoDecoder takes as is.
 */
import { NAL_IDR, NAL_PPS, NAL_SPS, h264NalTypes, rtpPayload } from './h264.ts';

export interface Keyframe {
  /** One Annex-B access unit: start codes, SPS, PPS, IDR slice(s). */
  data: Buffer;
  /** WebCodecs codec string from the SPS, e.g. "avc1.42c01e". */
  codec: string;
  /** When the last packet of the keyframe arrived (ms since epoch, the hub's clock). */
  capturedAt: number;
}

const START_CODE = Buffer.from([0, 0, 0, 1]);
/** A keyframe larger than this (a 4K IDR is ≈1 MB) is dropped rather than held. */
const MAX_KEYFRAME_BYTES = 4 << 20;

export class KeyframeCatcher {
  /** Parameter sets from the SDP (sprop-parameter-sets), for cameras that send them only there. */
  readonly #sprop: Buffer[];
  #timestamp: number | undefined;
  /** Packets of the access unit being collected, or undefined while skipping one. */
  #packets: Buffer[] | undefined;
  #bytes = 0;
  #nextSequence = 0;

  constructor(spropParameterSets?: string) {
    this.#sprop = (spropParameterSets ?? '')
      .split(',')
      .filter(Boolean)
      .map((set) => Buffer.from(set, 'base64'))
      .filter((nal) => nal.length > 0);
  }

  /** Feeds one RTP packet (in arrival order); returns a keyframe when this packet completed one. */
  push(packet: Buffer): Keyframe | undefined {
    if (packet.length < 12) return undefined;
    const timestamp = packet.readUInt32BE(4);
    const sequence = packet.readUInt16BE(2);
    if (timestamp !== this.#timestamp) {
      this.#timestamp = timestamp;
      const types = h264NalTypes(rtpPayload(packet));
      const keyStart = types.includes(NAL_IDR) || types.includes(NAL_SPS) || types.includes(NAL_PPS);
      this.#packets = keyStart ? [] : undefined;
      this.#bytes = 0;
    } else if (this.#packets && sequence !== this.#nextSequence) {
      this.#packets = undefined; // A packet was lost or reordered: this keyframe cannot be whole.
    }
    this.#nextSequence = (sequence + 1) & 0xffff;
    const packets = this.#packets;
    if (!packets) return undefined;
    packets.push(Buffer.from(packet));
    this.#bytes += packet.length;
    if (this.#bytes > MAX_KEYFRAME_BYTES) {
      this.#packets = undefined;
      return undefined;
    }
    if (!(packet[1]! & 0x80)) return undefined; // The marker bit ends the access unit.
    this.#packets = undefined;
    return this.#assemble(packets);
  }

  #assemble(packets: Buffer[]): Keyframe | undefined {
    const nals = depacketize(packets);
    if (!nals) return undefined;
    const types = new Set(nals.map((nal) => nal[0]! & 0x1f));
    if (!types.has(NAL_IDR)) return undefined;
    const parameterSets = types.has(NAL_SPS) && types.has(NAL_PPS) ? [] : this.#sprop;
    const all = [...parameterSets, ...nals];
    const sps = all.find((nal) => (nal[0]! & 0x1f) === NAL_SPS);
    if (!sps || sps.length < 4) return undefined;
    return {
      data: Buffer.concat(all.flatMap((nal) => [START_CODE, nal])),
      codec: `avc1.${sps.subarray(1, 4).toString('hex')}`,
      capturedAt: Date.now()
    };
  }
}

/** The NAL units of one access unit's packets (single NAL, STAP-A, FU-A); undefined if malformed. */
function depacketize(packets: Buffer[]): Buffer[] | undefined {
  const nals: Buffer[] = [];
  let fragments: Buffer[] | undefined;
  for (const packet of packets) {
    const payload = rtpPayload(packet);
    if (payload.length === 0) continue;
    const type = payload[0]! & 0x1f;
    if (type >= 1 && type <= 23) {
      nals.push(payload);
    } else if (type === 24) {
      for (let offset = 1; offset + 2 <= payload.length; ) {
        const size = payload.readUInt16BE(offset);
        if (size === 0 || offset + 2 + size > payload.length) return undefined;
        nals.push(payload.subarray(offset + 2, offset + 2 + size));
        offset += 2 + size;
      }
    } else if (type === 28 && payload.length >= 2) {
      const header = payload[1]!;
      if (header & 0x80) fragments = [Buffer.from([(payload[0]! & 0xe0) | (header & 0x1f)])];
      if (!fragments) return undefined;
      fragments.push(payload.subarray(2));
      if (header & 0x40) {
        nals.push(Buffer.concat(fragments));
        fragments = undefined;
      }
    } else {
      return undefined; // STAP-B, MTAP, FU-B: not sent by cameras in packetization-mode 1.
    }
  }
  return fragments ? undefined : nals;
}
