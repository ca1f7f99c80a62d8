/**
 * What the last session on this origin joined with, kept for the next page (early-watch.ts): the
 * hub router's capabilities with the id the hub gave them, and what this browser's Device made
 * of them (its receive capabilities, which a watch carries). The hub's capabilities are fixed by
 * its configuration and a stale copy is refused by id; the Device's answer holds for one browser
 * version (user agent). Apart from device.ts, so the app's start reads it without mediasoup-client.
 */
import type { types as mc } from 'mediasoup-client';

const KEY = 'gth.router';

export interface KeptRouter {
  id: string;
  capabilities: mc.RtpCapabilities;
  recvRtpCapabilities: mc.RtpCapabilities;
}

export function localStore(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function keptRouter(): KeptRouter | null {
  try {
    const value = JSON.parse(localStore()?.getItem(KEY) ?? 'null') as (Partial<Record<keyof KeptRouter, unknown>> & { userAgent?: unknown }) | null;
    if (value?.userAgent !== navigator.userAgent || typeof value.id !== 'string' || !isObject(value.capabilities) || !isObject(value.recvRtpCapabilities)) return null;
    return { id: value.id, capabilities: value.capabilities as mc.RtpCapabilities, recvRtpCapabilities: value.recvRtpCapabilities as mc.RtpCapabilities };
  } catch {
    return null;
  }
}

export function keepRouter(router: KeptRouter): void {
  try {
    localStore()?.setItem(KEY, JSON.stringify({ ...router, userAgent: navigator.userAgent }));
  } catch {
    // No storage (private mode, quota): the next page waits for its join's capabilities.
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
