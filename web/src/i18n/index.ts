// The page's words in the guest's language: one typed catalog per language
// (`en` is the reference: every other catalog must have exactly its keys,
// which the compiler checks), the browser's language by default, a switch
// in the page, and the box's refusals shown by their stable `code`.
import { useSyncExternalStore } from 'react';
import { en, type Key, type Message } from './en';

export type { Key } from './en';

export const LANGUAGES = {
  en: 'English',
  es: 'Español',
  de: 'Deutsch',
  fr: 'Français',
  pt: 'Português',
} as const;
export type Language = keyof typeof LANGUAGES;

export type Catalog = Record<Key, Message>;

// Only the chosen language is downloaded: English is built in (and is the
// fallback), the others load on demand.
const loaders: Record<Exclude<Language, 'en'>, () => Promise<Catalog>> = {
  es: () => import('./es').then((m) => m.es),
  de: () => import('./de').then((m) => m.de),
  fr: () => import('./fr').then((m) => m.fr),
  pt: () => import('./pt').then((m) => m.pt),
};

const STORAGE_KEY = 'dt.lang';
let language: Language = 'en';
let catalog: Catalog = en;
const listeners = new Set<() => void>();

function isLanguage(value: string | null | undefined): value is Language {
  return value != null && value in LANGUAGES;
}

/** The language asked for before (on this phone), else the browser's first
 * one we speak, else English. */
export function preferredLanguage(stored: string | null, browser: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Loads the catalog of `lang` and switches the page to it. */
export async function setLanguage(lang: Language, remember = true): Promise<void> {
  const next = lang === 'en' ? en : await loaders[lang]();
  language = lang;
  catalog = next;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  if (remember && typeof localStorage !== 'undefined') {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Private mode: the switch lasts for this visit.
    }
  }
  listeners.forEach((l) => l());
}

/** Before the first render: the guest's language, loaded. */
export function startLanguage(): Promise<void> {
  const lang = preferredLanguage(stored(), typeof navigator === 'undefined' ? [] : navigator.languages);
  return setLanguage(lang, false).catch(() => setLanguage('en', false));
}

export type Params = Record<string, string | number>;

/** The message `key` in the current language, its `{name}`s filled in;
 * a message with plural forms picks one by `params.n`. */
export function t(key: Key, params: Params = {}): string {
  return format(catalog, language, key, params);
}

export function format(messages: Catalog, lang: string, key: Key, params: Params = {}): string {
  const message = messages[key] ?? en[key];
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const n = typeof params.n === 'number' ? params.n : 0;
    const form = new Intl.PluralRules(lang).select(n);
    text = message[form] ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The language the page speaks now (outside React). */
export function currentLanguage(): Language {
  return language;
}

/** The current language; components that call it re-render on a switch. */
export function useLanguage(): Language {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => language,
  );
}

/** A refusal of the box by its code, in the current language (`null` when
 * the catalog has no such code: show the box's own words). */
export function refusal(code: string, params: Params = {}): string | null {
  const key = `error.${code}`;
  if (!(key in en)) return null;
  // Plural forms go by `n`: the refusal's first number.
  const n = Object.values(params).find((v) => typeof v === 'number');
  return t(key as Key, n === undefined ? params : { n, ...params });
}
