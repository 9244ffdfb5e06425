import i18next from 'i18next';
import type { Translate } from '../../desktop/src/renderer/components/apiErrorText.js';
import { en } from '../../desktop/src/renderer/locales/en.js';
import { zhCN } from '../../desktop/src/renderer/locales/zh-CN.js';

/** The wall's two languages as fixed translators, from the real locale files. */
export async function wallTranslators(): Promise<{ zh: Translate; english: Translate }> {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'zh-CN', fallbackLng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, interpolation: { escapeValue: false } });
  return { zh: i18n.getFixedT('zh-CN') as unknown as Translate, english: i18n.getFixedT('en') as unknown as Translate };
}
