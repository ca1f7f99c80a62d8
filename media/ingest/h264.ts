/** H.264-over-RTP facts the hub and its tests need (RFC 6184), without parsing the stream. */

export const NAL_IDR = 5;
export const NAL_SPS = 7;
export const NAL_PPS = 8;

/** The payload of an RTP packet: after the fixed header, CSRCs and any header extension. */
export function rtpPayload(packet: Buffer): Buffer {
  let offset = 12 + ((packet[0] ?? 0) & 0x0f) * 4;
  if ((packet[0] ?? 0) & 0x10) offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  return packet.subarray(offset);
}

/** NAL unit types carried by one H.264 RTP payload (STAP-A unpacked; FU-A on its start fragment). */
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

/** An RTCP compound packet asking for a keyframe: an empty receiver report, then a PLI or FIR. */
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
