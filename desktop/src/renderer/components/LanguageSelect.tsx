import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type LanguageCode } from '../i18n.js';

/** The UI language switch (`data-testid="language"`). */
export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="toolbar__language">
      {t('toolbar.language')}
      <select data-testid="language" value={i18n.language} onChange={(e) => setLanguage(e.target.value as LanguageCode)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
