import { ca } from './ca.js';
import { el } from './el.js';
import { type Catalog, en } from './en.js';
import { it } from './it.js';

export type { Catalog };

export const LANGUAGES = ['en', 'it', 'el', 'ca'] as const;
export type Lang = (typeof LANGUAGES)[number];

const catalogs: Record<Lang, Catalog> = { en, it, el, ca };

export function isLang(x: string): x is Lang {
  return (LANGUAGES as readonly string[]).includes(x);
}

/** Maps a Slack locale such as "it-IT", "el-GR", "ca-ES", "en-US" (or a bare "it") to a shipped language, else the fallback. */
export function langFromLocale(locale: string | null | undefined, fallback: Lang = 'en'): Lang {
  if (!locale) return fallback;
  const base = locale.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isLang(base) ? base : fallback;
}

/** The catalog for a language code; unknown codes get English. */
export function t(lang: string): Catalog {
  return isLang(lang) ? catalogs[lang] : en;
}
