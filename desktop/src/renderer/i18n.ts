import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.js';
import { zhCN } from './locales/zh-CN.js';

/** UI languages; zh-CN is the default. */
export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'argus.language';

/** The language to start in: `?lang=` in the URL, then the operator's last choice, then zh-CN. */
export function initialLanguage(): LanguageCode {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  const stored = fromUrl ?? window.localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.some((l) => l.code === stored) ? (stored as LanguageCode) : 'zh-CN';
}

/** Switch the UI language and remember it for the next start. */
export function setLanguage(code: LanguageCode): void {
  window.localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code;
  void i18next.changeLanguage(code);
}

export async function initI18n(): Promise<void> {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
}
