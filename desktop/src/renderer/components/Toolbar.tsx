import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewId } from '../views.js';
import { LAYOUTS, type LayoutSize } from '../wallLayout.js';
import { LanguageSelect } from './LanguageSelect.js';
import { useLogout } from './useLogout.js';

/** The wall's own controls, shown while the wall view is. */
export interface WallControls {
  layout: LayoutSize;
  onLayout: (layout: LayoutSize) => void;
  connected: boolean;
  /** The layout may not change now (an alarm pop-up covers the wall, which must come back as it was). */
  locked?: boolean;
}

interface ToolbarProps {
  /** The views the user may open; tabs appear when there is more than one. */
  views: readonly ViewId[];
  view: ViewId | null;
  onView: (view: ViewId) => void;
  wall: WallControls | null;
  /** Indicators before the connection state (e.g. the alert badge). */
  indicators?: ReactNode;
  userName: string;
  orgUnitName: string;
  /** Opens the form that changes the user's own password. */
  onChangePassword: () => void;
  /** @throws when the server could not be told (the session may still be valid). */
  onLogout: () => Promise<void>;
}

/**
 * View tabs, the wall's layout buttons and connection status, the signed-in user and their
 * org unit, language switch, 修改密码 and logout.
 *
 * Test hooks: `view-wall`, `view-persons`, `view-admin`, `view-audit`, `layout-N`, `connection`, `current-user`,
 * `current-org-unit`, `language`, `change-password`, `logout`, `logout-error`.
 */
export function Toolbar({ views, view, onView, wall, indicators, userName, orgUnitName, onChangePassword, onLogout }: ToolbarProps) {
  const { t } = useTranslation();
  const { logout, loggingOut, error: logoutError } = useLogout(onLogout);
  return (
    <header className="toolbar">
      <h1>{t('app.title')}</h1>
      {views.length > 1 && (
        <nav className="toolbar__views" role="tablist" aria-label={t('toolbar.views')}>
          {views.map((id) => (
            <button key={id} type="button" role="tab" data-testid={`view-${id}`} aria-selected={view === id} className={view === id ? 'active' : ''} onClick={() => onView(id)}>
              {t(`views.${id}`)}
            </button>
          ))}
        </nav>
      )}
      {wall && (
        <div className="toolbar__group" role="group" aria-label={t('toolbar.layout')}>
          {LAYOUTS.map((size) => (
            <button
              key={size}
              type="button"
              data-testid={`layout-${size}`}
              aria-pressed={wall.layout === size}
              className={wall.layout === size ? 'active' : ''}
              disabled={wall.locked}
              onClick={() => wall.onLayout(size)}
            >
              {t('layout.n', { count: size })}
            </button>
          ))}
        </div>
      )}
      <span className="toolbar__spacer" />
      {indicators}
      {wall && (
        <span className={`toolbar__connection ${wall.connected ? 'ok' : 'lost'}`} data-testid="connection">
          {wall.connected ? t('connection.ok') : t('connection.lost')}
        </span>
      )}
      <span className="toolbar__user" title={t('toolbar.user')}>
        <span data-testid="current-user">{userName}</span>
        {orgUnitName !== '' && (
          <span className="toolbar__unit" data-testid="current-org-unit">
            {orgUnitName}
          </span>
        )}
      </span>
      <LanguageSelect />
      <button type="button" className="toolbar__button" data-testid="change-password" onClick={onChangePassword}>
        {t('toolbar.changePassword')}
      </button>
      {logoutError && (
        <span className="toolbar__error" role="alert" data-testid="logout-error">
          {logoutError}
        </span>
      )}
      <button type="button" className="toolbar__button toolbar__logout" data-testid="logout" disabled={loggingOut} onClick={logout}>
        {loggingOut ? t('toolbar.loggingOut') : t('toolbar.logout')}
      </button>
    </header>
  );
}
