/**
 * The language the person chose, kept in localStorage. Korean is the default; English is one
 * toggle away. Components read `i18n.t(...)`, which is reactive on the locale.
 */
import { dictionaries, LOCALES, type Locale, type MessageKey } from './dictionary.ts';

const STORAGE_KEY = 'gth.locale';

function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return LOCALES.includes(value as Locale) ? (value as Locale) : 'ko';
  } catch {
    return 'ko';
  }
}

export class LocaleManager {
  current = $state<Locale>(storedLocale());

  /** A label; `{name}` placeholders are filled from `params`. */
  t = (key: MessageKey, params?: Record<string, string | number>): string => {
    const text = dictionaries[this.current][key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };

  /** A label for a key built at run time (error codes, categories), or `fallback` when there is none. */
  tryT = (key: string, fallback: string): string => {
    const dict = dictionaries[this.current] as Record<string, string>;
    return dict[key] ?? fallback;
  };

  /** Picks the Korean or English form of a registry name. */
  pick = (ko: string, en: string | undefined): string => (this.current === 'en' && en ? en : ko);

  set(locale: Locale): void {
    this.current = locale;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }

  toggle(): void {
    this.set(this.current === 'ko' ? 'en' : 'ko');
  }
}

/** The one locale of the page (a UI preference, like the theme, is page-wide by nature). */
export const i18n = new LocaleManager();
