/**
 * Draws a camera's keyframe (`camera:still`: one H.264 access unit in Annex B) into a canvas
 * with WebCodecs, so a tile shows a picture before live video's first frame. The hub does no
 * decoding for it; the browser's decoder takes one IDR in a few milliseconds.
 */
import type { Still } from '$protocol/events.ts';

/** Resolves true once the picture is in `canvas`; false where this browser cannot decode it. */
export async function drawKeyframe(still: Still, canvas: HTMLCanvasElement): Promise<boolean> {
  if (typeof VideoDecoder === 'undefined') return false;
  const config: VideoDecoderConfig = { codec: still.codec, optimizeForLatency: true };
  const support = await VideoDecoder.isConfigSupported(config).catch(() => null);
  if (!support?.supported) return false;
  return new Promise<boolean>((resolve) => {
    let drawn = false;
    const decoder = new VideoDecoder({
      output: (frame) => {
        if (!drawn) {
          drawn = true;
          canvas.width = frame.displayWidth;
          canvas.height = frame.displayHeight;
          canvas.getContext('2d', { alpha: false })?.drawImage(frame, 0, 0);
        }
        frame.close();
      },
      error: () => resolve(false)
    });
    decoder.configure(config);
    decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, data: still.data }));
    decoder
      .flush()
      .then(() => resolve(drawn))
      .catch(() => resolve(false))
      .finally(() => {
        if (decoder.state !== 'closed') decoder.close();
      });
  });
}
