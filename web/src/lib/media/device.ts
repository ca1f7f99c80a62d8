/**
 * The mediasoup Device of a media session, with its slow half done early or not at all.
 *
 * Loading a Device probes the browser's own codecs (a throwaway RTCPeerConnection and offer:
 * tens of ms of the page's main thread, and on a busy machine hundreds of ms of waiting) and
 * then matches them with the router's capabilities from `media:join`. The probe does not
 * depend on the hub, so `warmDevice()` starts it while the socket connects and joins;
 * `loadDevice()` then only matches. A browser's codecs do not change while its version does
 * not, so the probe's answer is kept in localStorage under the user agent: the next page of
 * the same browser skips the probe. A kept answer the Device refuses is dropped and probed anew.
 */
import { detectDeviceAsync, Device, type types as mc } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import { Chrome74 } from 'mediasoup-client/handlers/Chrome74';
import { Firefox120 } from 'mediasoup-client/handlers/Firefox120';
import { Safari12 } from 'mediasoup-client/handlers/Safari12';
import { localStore } from './kept-router.ts';

const HANDLERS: Partial<Record<mc.BuiltinHandlerName, { createFactory(options: mc.HandlerFactoryOptions): mc.HandlerFactory }>> = {
  Chrome111,
  Chrome74,
  Firefox120,
  Safari12
};

const KEPT_KEY = 'gth.codecs';

interface Probed {
  factory: mc.HandlerFactory;
  /** Whether the codecs came from an earlier page (localStorage) rather than this page's probe. */
  kept: boolean;
}

let warmed: Promise<Probed> | undefined;


/** The codecs an earlier page of this very browser (same user agent) probed, if kept. */
function keptCodecs(): mc.RtpCapabilities | null {
  try {
    const value = JSON.parse(localStore()?.getItem(KEPT_KEY) ?? 'null') as { userAgent?: unknown; codecs?: unknown } | null;
    return value?.userAgent === navigator.userAgent && typeof value.codecs === 'object' && value.codecs !== null ? (value.codecs as mc.RtpCapabilities) : null;
  } catch {
    return null;
  }
}

function keepCodecs(codecs: mc.RtpCapabilities | null): void {
  try {
    if (codecs) localStore()?.setItem(KEPT_KEY, JSON.stringify({ userAgent: navigator.userAgent, codecs }));
    else localStore()?.removeItem(KEPT_KEY);
  } catch {
    // No storage (private mode, quota): the next page probes again.
  }
}

/**
 * This browser's handler with its receiving codecs known: kept, or probed now. The hub only
 * ever sends to the browser: Device.load() also asks for the sending codecs, which only feed
 * canProduce() (never asked here), so it gets the receiving ones for both, and the page is
 * spared a second throwaway RTCPeerConnection and offer.
 */
async function handlerFactory(useKept: boolean): Promise<Probed> {
  const name = await detectDeviceAsync();
  const handler = name ? HANDLERS[name] : undefined;
  if (!handler) throw new Error(`no WebRTC handler for this browser (${name ?? 'unknown'})`);
  const inner = handler.createFactory({});
  const kept = useKept ? keptCodecs() : null;
  const codecs = kept ?? (await inner.getNativeRtpCapabilities({ direction: 'recvonly' }));
  if (!kept) keepCodecs(codecs);
  // Device.load() clones what it is given, so one answer serves every Device of the page.
  return { factory: { ...inner, getNativeRtpCapabilities: () => Promise.resolve(codecs) }, kept: kept !== null };
}

function warm(useKept: boolean): Promise<Probed> {
  warmed ??= handlerFactory(useKept);
  // A failed probe is tried again by the next Device, not remembered.
  warmed.catch(() => {
    warmed = undefined;
  });
  return warmed;
}

/** Starts finding the browser's codecs (idempotent); call as the session starts connecting. */
export function warmDevice(): Promise<unknown> {
  return warm(true);
}

/** A Device loaded for a router's capabilities (from `media:join`). */
export async function loadDevice(routerRtpCapabilities: mc.RtpCapabilities): Promise<mc.Device> {
  const probed = await warm(true);
  try {
    return await loaded(probed.factory, routerRtpCapabilities);
  } catch (error) {
    if (!probed.kept) throw error;
    // Kept codecs this Device refuses (a stored value gone bad): forget them, probe this browser.
    keepCodecs(null);
    warmed = undefined;
    return loaded((await warm(false)).factory, routerRtpCapabilities);
  }
}

async function loaded(handlerFactory: mc.HandlerFactory, routerRtpCapabilities: mc.RtpCapabilities): Promise<mc.Device> {
  const device = await Device.factory({ handlerFactory });
  await device.load({ routerRtpCapabilities });
  return device;
}
