import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { password as passwordSchema, ROLES, userCreate, userUpdate, type Role, type User } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { formErrorsFromIssues } from '../../api/formErrors.js';
import { formatTime } from '../../format.js';
import { changedFields } from '../../patch.js';
import { adminMayChange, roleSelectable } from '../../roleRules.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { DataTable, type Column } from '../DataTable.js';
import { Field, FieldErrorText, FormButtons, FormErrorList, useFormSubmit } from '../FormParts.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import { AdminActions } from './AdminActions.js';
import { AdminMessages } from './AdminMessages.js';
import type { AdminContext } from './AdminPage.js';
import { RowDeleteButton, RowEditButton } from './RowButtons.js';
import { useAdminTab } from './useAdminTab.js';
import { useOrgUnitName } from './useOrgUnitName.js';
import { useRowSave, type FormDone } from './useRowSave.js';

type Editing = { kind: 'create' } | { kind: 'edit'; user: User } | { kind: 'password'; user: User };

/** `roles` in the order of ROLES, so that the same set always compares equal. */
function orderedRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}

/**
 * Users (用户): list, create (roles, org unit, initial password), edit roles / org unit /
 * name, disable or enable (asked first), reset password, delete. The administrator's own row
 * offers no disable or delete; auditor accounts offer nothing (the server refuses
 * administrators' changes to them) but a note. Rows: `user-row-${id}` with `row-edit`,
 * `row-reset-password`, `row-toggle-disabled` (then `row-toggle-disabled-confirm` /
 * `-cancel`), `row-delete` (then `row-delete-confirm`), or `row-locked` on auditor rows.
 */
export function UsersTab({ me, orgUnits }: AdminContext) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listUsers(), []);
  const orgUnitName = useOrgUnitName(orgUnits);
  const { editing, edit, close, saved, error, notice, setNotice, act } = useAdminTab<Editing>(list.reload);
  const isSelf = (user: User) => user.id === me.user.id;
  const columns: Array<Column<User>> = [
    {
      header: t('users.username'),
      className: 'mono',
      cell: (user) => (
        <>
          {user.username}
          {isSelf(user) ? ` ${t('users.self')}` : ''}
        </>
      ),
    },
    { header: t('users.displayName'), cell: (user) => user.displayName },
    { header: t('users.orgUnit'), cell: (user) => orgUnitName(user.orgUnitId) },
    { header: t('users.roles'), cell: (user) => orderedRoles(user.roles).map((r) => t(`roles.${r}`)).join('、') },
    { header: t('users.status'), cell: (user) => (user.disabled ? t('users.disabled') : t('users.active')) },
    { header: t('users.lastLogin'), cell: (user) => (user.lastLoginAt !== null ? formatTime(user.lastLoginAt) : t('users.never')) },
  ];

  return (
    <section className="admin__tab" data-testid="users-tab">
      <AdminActions create={{ testId: 'user-new', label: t('users.create'), onClick: () => edit({ kind: 'create' }) }} onReload={list.reload} />
      <p className="page__hint">{t('users.sessionsEndHint')}</p>
      <AdminMessages loads={[list]} error={error} notice={notice} />
      {editing?.kind === 'create' && <UserForm key="new" user={null} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} onDone={close} onSaved={saved} />}
      {editing?.kind === 'edit' && <UserForm key={editing.user.id} user={editing.user} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} onDone={close} onSaved={saved} />}
      {editing?.kind === 'password' && (
        <PasswordForm
          key={editing.user.id}
          user={editing.user}
          onDone={close}
          onSaved={() => {
            setNotice(t('users.passwordReset', { name: editing.user.displayName }));
            void saved();
          }}
        />
      )}
      <DataTable
        testId="users-table"
        columns={columns}
        rows={list.data}
        rowId={(user) => user.id}
        rowTestIdPrefix="user"
        rowAttributes={(user) => ({ 'data-disabled': String(user.disabled), className: user.disabled ? 'table__row--off' : '' })}
        actions={(user) =>
          !adminMayChange(user) ? (
            <span className="muted table__note" data-testid="row-locked">
              {t('users.auditorLocked')}
            </span>
          ) : (
            <>
              <RowEditButton onClick={() => edit({ kind: 'edit', user })} />
              <button type="button" data-testid="row-reset-password" onClick={() => edit({ kind: 'password', user })}>
                {t('users.resetPassword')}
              </button>
              {!isSelf(user) && (
                <ConfirmButton
                  // Keyed by the state, so a question asked before the row changed is not confirmed for the other action.
                  key={user.disabled ? 'enable' : 'disable'}
                  testId="row-toggle-disabled"
                  danger={!user.disabled}
                  label={user.disabled ? t('users.enable') : t('users.disable')}
                  question={user.disabled ? t('users.enableQuestion', { name: user.displayName }) : t('users.disableQuestion', { name: user.displayName })}
                  confirmLabel={user.disabled ? t('users.confirmEnable') : t('users.confirmDisable')}
                  onConfirm={() => void act(() => api.updateUser(user.id, { disabled: !user.disabled }))}
                />
              )}
              {!isSelf(user) && <RowDeleteButton question={t('users.deleteQuestion', { name: user.displayName })} onConfirm={() => void act(() => api.deleteUser(user.id))} />}
            </>
          )
        }
      />
    </section>
  );
}

/** Create a user (with an initial password), or edit one's name, org unit and roles. */
function UserForm({ user, defaultOrgUnitId, orgUnits, ...done }: { user: User | null; defaultOrgUnitId: string; orgUnits: AdminContext['orgUnits'] } & FormDone) {
  const { t } = useTranslation();
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [orgUnitId, setOrgUnitId] = useState(user?.orgUnitId ?? defaultOrgUnitId);
  const [roles, setRoles] = useState<Role[]>(orderedRoles(user?.roles ?? []));
  const [password, setPassword] = useState('');
  const { busy, errors, create, update } = useRowSave(done);

  const toggleRole = (role: Role, on: boolean) => setRoles((current) => orderedRoles(on ? [...current, role] : current.filter((r) => r !== role)));

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (user === null) create(userCreate, { username: username.trim(), displayName, orgUnitId, roles, password }, (body) => api.createUser(body));
    else update(userUpdate, changedFields({ ...user, roles: orderedRoles(user.roles) }, { displayName: displayName.trim(), orgUnitId, roles }), (patch) => api.updateUser(user.id, patch));
  };

  return (
    <form className="form admin__panel" data-testid="user-form" onSubmit={save} noValidate autoComplete="off">
      <h3>{user ? t('users.editTitle', { name: user.displayName }) : t('users.createTitle')}</h3>
      <FormErrorList errors={errors} inline={['username', 'displayName', 'orgUnitId', 'roles', 'password']} />
      <div className="form__row">
        <Field label={t('users.username')} path="username" errors={errors}>
          <input data-testid="field-username" className="mono" autoComplete="off" value={username} disabled={user !== null} onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field label={t('users.displayName')} path="displayName" errors={errors}>
          <input data-testid="field-displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </Field>
        <Field label={t('users.orgUnit')} path="orgUnitId" errors={errors}>
          <OrgUnitSelect testId="field-orgUnitId" units={orgUnits} value={orgUnitId} onChange={setOrgUnitId} />
        </Field>
        {user === null && (
          <Field label={t('users.initialPassword')} path="password" errors={errors} hint={t('users.passwordHint')}>
            <input data-testid="field-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
        )}
      </div>
      <fieldset className="form__roles" data-testid="field-roles">
        <legend>{t('users.roles')}</legend>
        {ROLES.map((role) => {
          const selectable = roleSelectable(role, roles);
          return (
            <label key={role} className={`form__check${selectable ? '' : ' form__check--off'}`} title={selectable ? undefined : t('users.rolesRule')}>
              <input type="checkbox" data-testid={`field-role-${role}`} checked={roles.includes(role)} disabled={!selectable} onChange={(e) => toggleRole(role, e.target.checked)} />
              {t(`roles.${role}`)}
            </label>
          );
        })}
        <span className="form__hint form__hint--block" data-testid="roles-rule">
          {t('users.rolesRule')}
        </span>
        <FieldErrorText errors={errors} path="roles" />
      </fieldset>
      <FormButtons busy={busy} onCancel={done.onDone} />
    </form>
  );
}

/** Reset a user's password (typed twice); the server ends the user's sessions. */
function PasswordForm({ user, onDone, onSaved }: { user: User; onDone: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const { busy, errors, setErrors, submit } = useFormSubmit();

  const save = (event: FormEvent) => {
    event.preventDefault();
    const checked = passwordSchema.safeParse(password);
    if (!checked.success) return setErrors(formErrorsFromIssues(checked.error.issues.map((i) => ({ ...i, path: ['password', ...i.path] }))));
    if (password !== again) return setErrors({ fields: { passwordAgain: [t('validation.passwordMismatch')] }, general: [] });
    void submit(async () => {
      await api.updateUser(user.id, { password });
      onSaved();
    });
  };

  return (
    <form className="form admin__panel" data-testid="password-form" onSubmit={save} noValidate autoComplete="off">
      <h3>{t('users.resetTitle', { name: user.displayName })}</h3>
      <FormErrorList errors={errors} inline={['password', 'passwordAgain']} />
      <div className="form__row">
        <Field label={t('users.newPassword')} path="password" errors={errors} hint={t('users.passwordHint')}>
          <input data-testid="field-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
        </Field>
        <Field label={t('users.confirmPassword')} path="passwordAgain" errors={errors}>
          <input data-testid="field-password-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
        </Field>
      </div>
      <FormButtons busy={busy} onCancel={onDone} />
    </form>
  );
}
