/**
 * The LPR systems the hub trusts (server/auth/signed-sources.ts), each bound to the cameras
 * and/or 구 it may report. Every request to `/api/lpr/reads` carries a JWT the system signed for
 * the hub's audience; the issuer in it names the system.
 */
import type { RegistryCamera } from '../cameras/registry.ts';
import { CITY_WIDE } from '../auth/principal.ts';
import type { IssuerChecks } from '../auth/issuers.ts';
import { SignedSources } from '../auth/signed-sources.ts';

export interface LprSystemConfig {
  name: string;
  issuer: string;
  jwksFile: string;
  cameras: readonly string[];
  /** 구 codes, or `*`. */
  districts: readonly string[];
}

/** A system whose request verified. */
export interface LprSource {
  name: string;
  /** Whether its binding covers the camera (by id or by 구). */
  mayReport(camera: Pick<RegistryCamera, 'id' | 'district'>): boolean;
}

export type LprSystems = SignedSources<LprSource>;

export const LprSystems = {
  load(configs: readonly LprSystemConfig[], options: { audience: string; checks?: IssuerChecks; reloadIntervalMs?: number }): Promise<LprSystems> {
    return SignedSources.load(
      configs,
      (config): LprSource => {
        const cameras = new Set(config.cameras);
        const districts = new Set(config.districts);
        return { name: config.name, mayReport: (camera) => cameras.has(camera.id) || districts.has(CITY_WIDE) || districts.has(camera.district.code) };
      },
      { ...options, label: { ko: 'LPR 시스템', en: 'LPR system' } }
    );
  }
};
