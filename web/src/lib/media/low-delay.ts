/**
 * Asks Chromium's jitter buffer to hold as little as it can. A CCTV operator wants the newest
 * picture, not the smoothest one. Called on each new RTCRtpReceiver, before media flows.
 */
/** `jitterBufferTarget` is the standard; `playoutDelayHint` its Chromium-only predecessor. */
type TunableReceiver = { jitterBufferTarget?: number | null; playoutDelayHint?: number | null };

export function preferLowDelay(receiver: RTCRtpReceiver): void {
  const tunable = receiver as unknown as TunableReceiver;
  try {
    if ('jitterBufferTarget' in tunable) tunable.jitterBufferTarget = 0;
    else if ('playoutDelayHint' in tunable) tunable.playoutDelayHint = 0;
  } catch {
    // Older engines throw on unsupported values; the default buffer still works.
  }
}
