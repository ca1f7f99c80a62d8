/**
 * The mediasoup Device of a media session, with its slow half started early.
 *
 * Loading a Device probes the browser's own codecs (two throwaway RTCPeerConnections and
 * offers) and then matches them with the router's capabilities from `media:join`. The probe
 * does not depend on the hub, so `warmDevice()` starts it while the socket connects and joins;
 * `loadDevice()` then only matches. The browser's codecs do not change within a page, so the
 * probe runs once per page and every session's Device reuses it.
 */
import { detectDeviceAsync, Device, type types as mc } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import { Chrome74 } from 'mediasoup-client/handlers/Chrome74';
import { Firefox120 } from 'mediasoup-client/handlers/Firefox120';
import { Safari12 } from 'mediasoup-client/handlers/Safari12';

type Direction = mc.HandlerGetNativeRtpCapabilitiesOptions['direction'];

const HANDLERS: Partial<Record<mc.BuiltinHandlerName, { createFactory(options: mc.HandlerFactoryOptions): mc.HandlerFactory }>> = {
  Chrome111,
  Chrome74,
  Firefox120,
  Safari12
};

let warmed: Promise<mc.HandlerFactory> | undefined;

/** This browser's handler, with its codec probe memoised per direction. */
async function handlerFactory(): Promise<mc.HandlerFactory> {
  const name = await detectDeviceAsync();
  const handler = name ? HANDLERS[name] : undefined;
  if (!handler) throw new Error(`no WebRTC handler for this browser (${name ?? 'unknown'})`);
  const inner = handler.createFactory({});
  const probes = new Map<Direction, Promise<mc.RtpCapabilities>>();
  const probe = (direction: Direction) => {
    let found = probes.get(direction);
    if (!found) {
      found = inner.getNativeRtpCapabilities({ direction });
      // A failed probe is tried again by the next Device, not remembered.
      found.catch(() => probes.delete(direction));
      probes.set(direction, found);
    }
    return found;
  };
  // Start both probes now; Device.load() asks for them in turn.
  void probe('recvonly').catch(() => undefined);
  void probe('sendonly').catch(() => undefined);
  return { ...inner, getNativeRtpCapabilities: ({ direction }) => probe(direction) };
}

/** Starts probing the browser's codecs (idempotent); call as the session starts connecting. */
export function warmDevice(): Promise<mc.HandlerFactory> {
  warmed ??= handlerFactory();
  warmed.catch(() => {
    warmed = undefined;
  });
  return warmed;
}

/** A Device loaded for a router's capabilities (from `media:join`). */
export async function loadDevice(routerRtpCapabilities: mc.RtpCapabilities): Promise<mc.Device> {
  const device = await Device.factory({ handlerFactory: await warmDevice() });
  await device.load({ routerRtpCapabilities });
  return device;
}
