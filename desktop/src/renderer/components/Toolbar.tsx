import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type LanguageCode } from '../i18n.js';
import { LAYOUTS, type LayoutSize } from '../wallLayout.js';

/** Layout buttons (1, 4, 9, 16), language switch and connection status. */
export function Toolbar({ layout, onLayout, connected }: { layout: LayoutSize; onLayout: (layout: LayoutSize) => void; connected: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <header className="toolbar">
      <h1>{t('app.title')}</h1>
      <div className="toolbar__group" role="group" aria-label={t('toolbar.layout')}>
        {LAYOUTS.map((size) => (
          <button key={size} type="button" data-testid={`layout-${size}`} aria-pressed={layout === size} className={layout === size ? 'active' : ''} onClick={() => onLayout(size)}>
            {t('layout.n', { count: size })}
          </button>
        ))}
      </div>
      <span className={`toolbar__connection ${connected ? 'ok' : 'lost'}`} data-testid="connection">
        {connected ? t('connection.ok') : t('connection.lost')}
      </span>
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
    </header>
  );
}
