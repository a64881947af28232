import { describe, expect, it } from 'vitest';
import { de } from './de';
import { en, type Key, type Message } from './en';
import { es } from './es';
import { fr } from './fr';
import { format, preferredLanguage, type Catalog } from './index';
import { pt } from './pt';

const catalogs: Record<string, Catalog> = { en, es, de, fr, pt };

/** Every text of a message (each plural form). */
const texts = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();

describe('catalogs', () => {
  const keys = Object.keys(en).sort();
  for (const [lang, catalog] of Object.entries(catalogs)) {
    it(`${lang} has every key, nothing else, and no empty text`, () => {
      expect(Object.keys(catalog).sort()).toEqual(keys);
      for (const key of keys) {
        for (const text of texts(catalog[key as Key])) expect(text.trim(), `${lang} ${key}`).not.toBe('');
      }
    });
    it(`${lang} fills the same placeholders as English`, () => {
      for (const key of keys) {
        const want = new Set(texts(en[key as Key]).flatMap(placeholders));
        for (const text of texts(catalog[key as Key])) {
          for (const name of placeholders(text)) expect(want.has(name), `${lang} ${key}: {${name}}`).toBe(true);
        }
        // A message without plural forms says all of what English says.
        if (typeof en[key as Key] === 'string' && typeof catalog[key as Key] === 'string') {
          expect(placeholders(catalog[key as Key] as string), `${lang} ${key}`).toEqual(placeholders(en[key as Key] as string));
        }
      }
    });
    it(`${lang} has a plural form for "other" wherever English has forms`, () => {
      for (const key of keys) {
        const m = catalog[key as Key];
        if (typeof en[key as Key] !== 'string') expect(typeof m === 'object' && 'other' in m, `${lang} ${key}`).toBe(true);
      }
    });
  }
});

describe('format', () => {
  it('fills placeholders and picks plural forms by n', () => {
    expect(format(en, 'en', 'queue.songs', { n: 1 })).toBe('1 song');
    expect(format(en, 'en', 'queue.songs', { n: 3 })).toBe('3 songs');
    expect(format(es, 'es', 'queue.songs', { n: 3 })).toBe('3 canciones');
    expect(format(fr, 'fr', 'presence.here', { n: 0 })).toBe('0 personne ici');
    expect(format(de, 'de', 'join.heading', { name: 'Anto' })).toBe('Anto beitreten');
  });
});

describe('preferredLanguage', () => {
  it('keeps the choice made on this phone, else the browser’s first we speak', () => {
    expect(preferredLanguage('de', ['es-MX'])).toBe('de');
    expect(preferredLanguage(null, ['ja-JP', 'pt-BR', 'en'])).toBe('pt');
    expect(preferredLanguage('xx', ['fr-CA'])).toBe('fr');
    expect(preferredLanguage(null, ['ja'])).toBe('en');
  });
});
