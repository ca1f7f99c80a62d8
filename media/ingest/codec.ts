/**
 * What a camera sends and how the hub can serve it, decided from its SDP before the first
 * packet is forwarded:
 *
 * - `passthrough`: 8-bit 4:2:0 H.264 without frame reordering (Constrained Baseline, Main, High).
 *   The camera's RTP is forwarded untouched under a profile-level-id the router and browsers
 *   share. Chromium's receive codecs stop at Main (42e01f, 4d001f): High is negotiated as
 *   constrained baseline (42e01f), which its H.264 decoder takes — the profile only gates the
 *   SDP offer, the decoder reads the SPS.
 * - `transcode`: H.264 with B-frames (browsers' WebRTC decoders present frames in decode
 *   order) and H.265 Main: decoded and re-encoded as constrained baseline (see transcoder.ts).
 * - `unsupported`: what the hub's decoders cannot take (H.265 Main 10, H.264 High 10/4:2:2/
 *   4:4:4, any other codec). A typed reason, never an outage.
 */

import type { MediaPath } from '../../server/protocol/events.ts';

/** How a stream reaches browsers (the wire's name for it). */
export type IngestPath = MediaPath;

export interface StreamCodec {
  /** RTP encoding name, upper case: H264, H265, … */
  codec: string;
  /** For people: "H.264 High", "H.265 Main 10", "JPEG". */
  label: string;
  /** H.264 profile_idc / H.265 general_profile_idc, when known. */
  profileIdc?: number;
  /** Whether frames are sent out of presentation order (B-frames); undefined when the SPS does not say. */
  reorders?: boolean;
}

export type IngestPlan =
  | { path: 'passthrough'; codec: StreamCodec; profileLevelId: string }
  | { path: 'transcode'; codec: StreamCodec }
  | { path: 'unsupported'; codec: StreamCodec };

/** The profile-level-id every transcode sends and High is negotiated as: constrained baseline 3.1. */
export const CONSTRAINED_BASELINE = '42e01f';
const MAIN = '4d001f';

const H264_PROFILES: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4'
};
const H265_PROFILES: Record<number, string> = { 1: 'Main', 2: 'Main 10', 3: 'Main Still Picture', 4: 'Range Extensions' };

/** Describes a track from its SDP codec name and fmtp (sprop parameter sets included). */
export function describeCodec(codec: string, fmtp: Record<string, string>): StreamCodec {
  if (codec === 'H264') return describeH264(fmtp);
  if (codec === 'H265') return describeH265(fmtp);
  return { codec, label: codec };
}

export function planIngest(codec: StreamCodec): IngestPlan {
  if (codec.codec === 'H264') {
    const profile = codec.profileIdc;
    if (profile === 66 || profile === 77 || profile === 100) {
      if (codec.reorders) return { path: 'transcode', codec };
      return { path: 'passthrough', codec, profileLevelId: profile === 77 ? MAIN : CONSTRAINED_BASELINE };
    }
    // The SPS was not in the SDP: forward it as the fmtp says, baseline at worst.
    if (profile === undefined) return { path: 'passthrough', codec, profileLevelId: CONSTRAINED_BASELINE };
    return { path: 'unsupported', codec };
  }
  if (codec.codec === 'H265' && codec.profileIdc === 1) return { path: 'transcode', codec };
  return { path: 'unsupported', codec };
}

function describeH264(fmtp: Record<string, string>): StreamCodec {
  const sps = firstNal(fmtp['sprop-parameter-sets']);
  if (sps && sps.length >= 4 && (sps[0]! & 0x1f) === 7) {
    const profileIdc = sps[1]!;
    const constrained = profileIdc === 66 && (sps[2]! & 0x40) !== 0;
    const label = `H.264 ${constrained ? 'Constrained Baseline' : (H264_PROFILES[profileIdc] ?? `profile ${profileIdc}`)}`;
    const reorders = h264Reorders(sps);
    return { codec: 'H264', label, profileIdc, ...(reorders === undefined ? {} : { reorders }) };
  }
  const id = fmtp['profile-level-id'];
  if (id && /^[0-9a-f]{6}$/i.test(id)) {
    const profileIdc = parseInt(id.slice(0, 2), 16);
    return { codec: 'H264', label: `H.264 ${H264_PROFILES[profileIdc] ?? `profile ${profileIdc}`}`, profileIdc, ...(profileIdc === 66 ? { reorders: false } : {}) };
  }
  return { codec: 'H264', label: 'H.264' };
}

function describeH265(fmtp: Record<string, string>): StreamCodec {
  let profileIdc = fmtp['profile-id'] ? Number(fmtp['profile-id']) : undefined;
  const sps = firstNal(fmtp['sprop-sps']);
  // NAL header (2 bytes), then vps id / max sub-layers / nesting (1 byte), then profile_space, tier, profile_idc.
  if (sps && sps.length >= 4 && ((sps[0]! >> 1) & 0x3f) === 33) profileIdc = sps[3]! & 0x1f;
  if (profileIdc === undefined || !Number.isInteger(profileIdc)) return { codec: 'H265', label: 'H.265' };
  return { codec: 'H265', label: `H.265 ${H265_PROFILES[profileIdc] ?? `profile ${profileIdc}`}`, profileIdc };
}

function firstNal(sprop: string | undefined): Buffer | undefined {
  const first = sprop?.split(',')[0];
  return first ? Buffer.from(first, 'base64') : undefined;
}

/**
 * Whether an H.264 SPS allows frame reordering: Baseline never does; otherwise the VUI's
 * max_num_reorder_frames says (undefined when the SPS carries no bitstream restriction).
 */
export function h264Reorders(sps: Buffer): boolean | undefined {
  const profileIdc = sps[1]!;
  if (profileIdc === 66) return false;
  try {
    const bits = new BitReader(unescapeRbsp(sps.subarray(4)));
    bits.ue(); // seq_parameter_set_id
    if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profileIdc)) {
      const chromaFormat = bits.ue();
      if (chromaFormat === 3) bits.skip(1);
      bits.ue(); // bit_depth_luma_minus8
      bits.ue(); // bit_depth_chroma_minus8
      bits.skip(1); // qpprime_y_zero_transform_bypass_flag
      if (bits.flag()) {
        for (let i = 0; i < (chromaFormat === 3 ? 12 : 8); i++) if (bits.flag()) skipScalingList(bits, i < 6 ? 16 : 64);
      }
    }
    bits.ue(); // log2_max_frame_num_minus4
    const pocType = bits.ue();
    if (pocType === 0) bits.ue();
    else if (pocType === 1) {
      bits.skip(1);
      bits.se();
      bits.se();
      const cycle = bits.ue();
      for (let i = 0; i < cycle; i++) bits.se();
    }
    bits.ue(); // max_num_ref_frames
    bits.skip(1); // gaps_in_frame_num_value_allowed_flag
    bits.ue(); // pic_width_in_mbs_minus1
    bits.ue(); // pic_height_in_map_units_minus1
    if (!bits.flag()) bits.skip(1); // frame_mbs_only_flag, mb_adaptive_frame_field_flag
    bits.skip(1); // direct_8x8_inference_flag
    if (bits.flag()) for (let i = 0; i < 4; i++) bits.ue(); // frame cropping
    if (!bits.flag()) return undefined; // no VUI
    if (bits.flag() && bits.read(8) === 255) bits.skip(32); // aspect ratio
    if (bits.flag()) bits.skip(1); // overscan
    if (bits.flag()) {
      bits.skip(4); // video_format, full range
      if (bits.flag()) bits.skip(24); // colour description
    }
    if (bits.flag()) {
      bits.ue();
      bits.ue();
    }
    if (bits.flag()) bits.skip(65); // timing info
    const nalHrd = bits.flag();
    if (nalHrd) skipHrd(bits);
    const vclHrd = bits.flag();
    if (vclHrd) skipHrd(bits);
    if (nalHrd || vclHrd) bits.skip(1);
    bits.skip(1); // pic_struct_present_flag
    if (!bits.flag()) return undefined; // no bitstream restriction
    bits.skip(1);
    for (let i = 0; i < 4; i++) bits.ue();
    return bits.ue() > 0; // max_num_reorder_frames
  } catch {
    return undefined; // A truncated SPS says nothing.
  }
}

function skipScalingList(bits: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + bits.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

function skipHrd(bits: BitReader): void {
  const count = bits.ue() + 1;
  bits.skip(8);
  for (let i = 0; i < count; i++) {
    bits.ue();
    bits.ue();
    bits.skip(1);
  }
  bits.skip(20);
}

/** Removes emulation-prevention bytes (00 00 03 → 00 00). */
function unescapeRbsp(data: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (i >= 2 && data[i] === 3 && data[i - 1] === 0 && data[i - 2] === 0) continue;
    out.push(data[i]!);
  }
  return Buffer.from(out);
}

class BitReader {
  #offset = 0;
  constructor(readonly data: Buffer) {}

  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.data[this.#offset >> 3];
      if (byte === undefined) throw new RangeError('SPS truncated');
      value = value * 2 + ((byte >> (7 - (this.#offset & 7))) & 1);
      this.#offset++;
    }
    return value;
  }

  skip(count: number): void {
    this.read(count);
  }

  flag(): boolean {
    return this.read(1) === 1;
  }

  ue(): number {
    let zeros = 0;
    while (this.read(1) === 0) if (++zeros > 31) throw new RangeError('bad exp-Golomb code');
    return 2 ** zeros - 1 + this.read(zeros);
  }

  se(): number {
    const value = this.ue();
    return value % 2 === 1 ? (value + 1) / 2 : -value / 2;
  }
}
