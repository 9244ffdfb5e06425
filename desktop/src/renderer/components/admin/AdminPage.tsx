import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse, OrgUnit } from '@argus/shared';
import { describeApiError } from '../apiErrorText.js';
import { CentresTab } from './CentresTab.js';
import { ChannelsTab } from './ChannelsTab.js';
import { DevicesTab } from './DevicesTab.js';
import { OrgUnitsTab } from './OrgUnitsTab.js';
import { UsersTab } from './UsersTab.js';

const TABS = [
  { id: 'orgUnits', testId: 'admin-tab-org-units' },
  { id: 'centres', testId: 'admin-tab-centres' },
  { id: 'devices', testId: 'admin-tab-devices' },
  { id: 'channels', testId: 'admin-tab-channels' },
  { id: 'users', testId: 'admin-tab-users' },
] as const;
type AdminTab = (typeof TABS)[number]['id'];

export interface AdminContext {
  me: MeResponse;
  /** The user's org subtree, root first (shared with the toolbar and the pickers). */
  orgUnits: OrgUnit[];
  onOrgUnitsChanged: () => Promise<void>;
}

/**
 * 系统管理 (`admin.manage`): org units, command centres, devices, channels and users of the
 * administrator's subtree, one tab each. Test hooks: `admin-tab-org-units`, `admin-tab-centres`,
 * `admin-tab-devices`, `admin-tab-channels`, `admin-tab-users`.
 */
export function AdminPage({ me, orgUnits, orgUnitsError, onOrgUnitsChanged }: AdminContext & { orgUnitsError: unknown }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<AdminTab>('orgUnits');
  const context: AdminContext = { me, orgUnits, onOrgUnitsChanged };
  return (
    <div className="page admin" data-testid="admin-page">
      <nav className="tabs" role="tablist">
        {TABS.map(({ id, testId }) => (
          <button key={id} type="button" role="tab" data-testid={testId} aria-selected={tab === id} className={tab === id ? 'active' : ''} onClick={() => setTab(id)}>
            {t(`admin.tabs.${id}`)}
          </button>
        ))}
      </nav>
      {orgUnitsError !== null && (
        <p className="page__error" role="alert">
          {describeApiError(t, orgUnitsError)}{' '}
          <button type="button" onClick={() => void onOrgUnitsChanged()}>
            {t('common.reload')}
          </button>
        </p>
      )}
      {tab === 'orgUnits' && <OrgUnitsTab {...context} />}
      {tab === 'centres' && <CentresTab {...context} />}
      {tab === 'devices' && <DevicesTab {...context} />}
      {tab === 'channels' && <ChannelsTab {...context} />}
      {tab === 'users' && <UsersTab {...context} />}
    </div>
  );
}
