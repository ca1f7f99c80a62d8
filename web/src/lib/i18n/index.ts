export { i18n, LocaleManager } from './locale.svelte.ts';
export { dictionaries, LOCALES, type Dictionary, type Locale, type MessageKey } from './dictionary.ts';
