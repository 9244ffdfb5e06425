import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse, OrgUnit, SignInRecord } from '@argus/shared';
import { currentAlarm } from '../analytics/alarmQueue.js';
import { api } from '../api/apiClient.js';
import { toApiError } from '../api/apiError.js';
import { flattenOrgTree } from '../orgTree.js';
import type { LoginNotice } from '../sessionNotice.js';
import { useWall } from '../useWall.js';
import { availableViews, initialView, type ViewId } from '../views.js';
import { AdminPage } from './admin/AdminPage.js';
import { AlarmBadge } from './analytics/AlarmBadge.js';
import { AlarmPopup } from './analytics/AlarmPopup.js';
import { useAlarms } from './analytics/useAlarms.js';
import { useSignInFeed } from './analytics/useSignInFeed.js';
import { AuditPage } from './AuditPage.js';
import { PasswordDialog } from './PasswordChange.js';
import { PersonsPage } from './persons/PersonsPage.js';
import { Toasts, useToasts } from './Toasts.js';
import { Toolbar } from './Toolbar.js';
import { WallView } from './WallView.js';

const VIEW_STORAGE_KEY = 'argus.view';
/** setTimeout's longest delay; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** When the expiry time has passed but the server still knows the session (clocks differ), look again after this long, ms. */
const EXPIRY_RECHECK_MS = 60_000;

/**
 * Everything after login: the toolbar and the views the user's permissions open
 * (视频墙 `wall.view`, 人员管理 `persons.manage`, 系统管理 `admin.manage`, 审计日志
 * `audit.read`). The wall connects its socket only for users with `wall.view`, and stays
 * mounted while another view is shown. Over the wall's socket come sign-ins (`signins.read`:
 * the wall's feed, and a toast whatever the view) and alerts (`alerts.handle`: the toolbar's
 * badge, and the alarm pop-up over every view, which leaves the views underneath untouched).
 * 修改密码 opens a dialog over the views; `password-changed` confirms a change (close:
 * `password-changed-close`).
 */
export function Shell({
  me,
  onEnded,
  onLogout,
  onPasswordChangeRequired,
}: {
  me: MeResponse;
  onEnded: (notice: LoginNotice) => void;
  onLogout: () => Promise<void>;
  /** The server wants a new password before anything else (the app shows its password page). */
  onPasswordChangeRequired: () => void;
}) {
  const { t } = useTranslation();
  const views = useMemo(() => availableViews(me.permissions), [me.permissions]);
  const [view, setView] = useState<ViewId | null>(() => initialView(views, window.sessionStorage.getItem(VIEW_STORAGE_KEY)));
  const [orgUnits, setOrgUnits] = useState<OrgUnit[]>([]);
  const [orgUnitsError, setOrgUnitsError] = useState<unknown>(null);
  const [changingPassword, setChangingPassword] = useState(false);
  const [passwordChanged, setPasswordChanged] = useState(false);

  const reloadOrgUnits = useCallback(async () => {
    try {
      setOrgUnits(await api.listOrgUnits());
      setOrgUnitsError(null);
    } catch (error) {
      setOrgUnitsError(error);
    }
  }, []);
  useEffect(() => {
    void reloadOrgUnits();
  }, [reloadOrgUnits]);

  /**
   * Is the session still valid? A 401 ends it (false); otherwise true, with the session's
   * current end time when the server answered.
   */
  const checkSession = useCallback(async (): Promise<{ valid: boolean; expiresAt?: number }> => {
    try {
      const current = await api.me();
      if (current.mustChangePassword) onPasswordChangeRequired();
      return { valid: true, expiresAt: current.expiresAt };
    } catch (error) {
      if (toApiError(error).code === 'unauthenticated') {
        onEnded('expired');
        return { valid: false };
      }
      return { valid: true };
    }
  }, [onEnded, onPasswordChangeRequired]);

  const wall = useWall(views.includes('wall'), me.user.id, {
    onEnded,
    onPasswordChangeRequired,
    onServerDisconnect: () => {
      void checkSession().then(({ valid }) => {
        if (valid) window.setTimeout(() => wall.reconnect(), 1000);
      });
    },
  });

  // The session's end time: confirm with the server (clocks may differ), then leave.
  useEffect(() => {
    let timer = 0;
    let cancelled = false;
    const schedule = (delay: number) => {
      timer = window.setTimeout(() => {
        void checkSession().then(({ valid, expiresAt }) => {
          if (!valid || cancelled) return;
          const left = expiresAt !== undefined ? expiresAt - Date.now() : 0;
          schedule(left > EXPIRY_RECHECK_MS ? left : EXPIRY_RECHECK_MS);
        });
      }, Math.min(Math.max(0, delay), MAX_TIMER_MS));
    };
    schedule(me.expiresAt - Date.now());
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [me.expiresAt, checkSession]);

  // Coming back to the window: find out at once if the session ended meanwhile (admin and audit pages have no socket to tell them).
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void checkSession();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [checkSession]);

  const permissions = me.permissions;
  const toasts = useToasts();
  const showToast = toasts.show;
  const toastSignIn = useCallback((record: SignInRecord) => showToast(t('signIns.toast', { name: record.personName, camera: record.channelName })), [showToast, t]);
  const signIns = useSignInFeed(wall.client, permissions.includes('signins.read'), toastSignIn);
  const handlesAlerts = permissions.includes('alerts.handle');
  const alarms = useAlarms(wall.client, handlesAlerts);
  const alarm = currentAlarm(alarms.state);

  const closePasswordDialog = useCallback(() => setChangingPassword(false), []);

  const chooseView = (next: ViewId) => {
    setView(next);
    window.sessionStorage.setItem(VIEW_STORAGE_KEY, next);
  };

  const unitOrder = useMemo(() => flattenOrgTree(orgUnits).map((row) => row.unit.id), [orgUnits]);
  const orgUnitName = orgUnits.find((u) => u.id === me.user.orgUnitId)?.name ?? '';

  return (
    <div className="wall">
      <Toolbar
        views={views}
        view={view}
        onView={chooseView}
        wall={
          view === 'wall' && wall.client
            ? { layout: wall.layout.layout, onLayout: (size) => wall.dispatch({ type: 'setLayout', layout: size }), connected: wall.connected, locked: alarm !== null }
            : null
        }
        indicators={handlesAlerts && wall.client ? <AlarmBadge alarms={alarms} /> : null}
        userName={me.user.displayName}
        orgUnitName={orgUnitName}
        onChangePassword={() => {
          setPasswordChanged(false);
          setChangingPassword(true);
        }}
        onLogout={onLogout}
      />
      {changingPassword && (
        <PasswordDialog
          username={me.user.username}
          onClose={closePasswordDialog}
          onChanged={() => {
            setChangingPassword(false);
            setPasswordChanged(true);
          }}
        />
      )}
      {passwordChanged && (
        <p className="page__notice shell__notice" role="status" data-testid="password-changed">
          {t('password.changed')}{' '}
          <button type="button" data-testid="password-changed-close" onClick={() => setPasswordChanged(false)}>
            {t('password.close')}
          </button>
        </p>
      )}
      {view === null && (
        <p className="page__empty" data-testid="no-views">
          {t('views.none')}
        </p>
      )}
      <div className="shell__views">
        {wall.client && (
          <WallView
            wall={wall}
            client={wall.client}
            active={view === 'wall'}
            covered={alarm !== null}
            unitOrder={unitOrder}
            signIns={permissions.includes('signins.read') ? signIns : null}
            canConfigureAnalytics={permissions.includes('analytics.configure')}
          />
        )}
        {view === 'persons' && <PersonsPage me={me} orgUnits={orgUnits} />}
        {view === 'admin' && <AdminPage me={me} orgUnits={orgUnits} orgUnitsError={orgUnitsError} onOrgUnitsChanged={reloadOrgUnits} />}
        {view === 'audit' && <AuditPage orgUnits={orgUnits} />}
        {alarm && (
          <AlarmPopup
            alert={alarm}
            waiting={alarms.state.queue.length - 1}
            wall={wall}
            onAcknowledge={alarms.acknowledge}
            onDefer={(id) => alarms.dispatch({ type: 'defer', id })}
          />
        )}
      </div>
      <Toasts toasts={toasts.toasts} onDismiss={toasts.dismiss} />
    </div>
  );
}
