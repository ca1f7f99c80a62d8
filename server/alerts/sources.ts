/**
 * The alert sources the hub trusts (server/auth/signed-sources.ts), each bound to the event
 * kinds and the 시군구 it may report.
 */
import { CITY_WIDE } from '../auth/principal.ts';
import type { IssuerChecks } from '../auth/issuers.ts';
import { SignedSources } from '../auth/signed-sources.ts';
import type { AlertSource } from './alarms.ts';
import type { AlertSourceConfig } from './config.ts';

export type AlertSources = SignedSources<AlertSource>;

export function loadAlertSources(configs: readonly AlertSourceConfig[], options: { audience: string; checks?: IssuerChecks; reloadIntervalMs?: number }): Promise<AlertSources> {
  return SignedSources.load(
    configs,
    (config): AlertSource => {
      const districts = new Set(config.districts);
      return { name: config.name, kinds: new Set(config.kinds), covers: (code) => districts.has(CITY_WIDE) || districts.has(code) };
    },
    { ...options, label: { ko: '경보 출처', en: 'alert source' } }
  );
}
