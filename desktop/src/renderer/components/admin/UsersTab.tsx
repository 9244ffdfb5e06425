import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { password as passwordSchema, ROLES, userCreate, userUpdate, type Role, type User } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { formErrorsFromIssues, validateBody } from '../../api/formErrors.js';
import { formatTime } from '../../format.js';
import { orgUnitNames } from '../../orgTree.js';
import { changedFields } from '../../patch.js';
import { describeApiError } from '../apiErrorText.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { Field, FieldErrorText, FormButtons, FormErrorList, useFormSubmit } from '../FormParts.js';
import { LoadStatus } from '../LoadStatus.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import type { AdminContext } from './AdminPage.js';

type Editing = { kind: 'create' } | { kind: 'edit'; user: User } | { kind: 'password'; user: User } | null;

/** `roles` in the order of ROLES, so that the same set always compares equal. */
function orderedRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}

/**
 * Users (用户): list, create (roles, org unit, initial password), edit roles / org unit /
 * name, disable or enable, reset password, delete. The administrator's own row offers no
 * disable or delete. Rows: `user-row-${id}` with `row-edit`, `row-reset-password`,
 * `row-toggle-disabled`, `row-delete`.
 */
export function UsersTab({ me, orgUnits }: AdminContext) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listUsers(), []);
  const names = useMemo(() => orgUnitNames(orgUnits), [orgUnits]);
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setError(describeApiError(t, e));
    }
    list.reload();
  };
  const saved = () => {
    setEditing(null);
    list.reload();
  };

  return (
    <section className="admin__tab" data-testid="users-tab">
      <div className="admin__actions">
        <button type="button" className="primary" data-testid="user-new" onClick={() => setEditing({ kind: 'create' })}>
          {t('users.create')}
        </button>
        <button type="button" data-testid="reload" onClick={list.reload}>
          {t('common.reload')}
        </button>
      </div>
      <p className="page__hint">{t('users.sessionsEndHint')}</p>
      <LoadStatus load={list} />
      {error && (
        <p className="page__error" role="alert" data-testid="admin-error">
          {error}
        </p>
      )}
      {notice && (
        <p className="page__notice" role="status" data-testid="admin-notice">
          {notice}
        </p>
      )}
      {editing?.kind === 'create' && <UserForm key="new" user={null} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} onDone={() => setEditing(null)} onSaved={saved} />}
      {editing?.kind === 'edit' && <UserForm key={editing.user.id} user={editing.user} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} onDone={() => setEditing(null)} onSaved={saved} />}
      {editing?.kind === 'password' && (
        <PasswordForm
          key={editing.user.id}
          user={editing.user}
          onDone={() => setEditing(null)}
          onSaved={() => {
            setNotice(t('users.passwordReset', { name: editing.user.displayName }));
            saved();
          }}
        />
      )}
      <table className="table" data-testid="users-table">
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.displayName')}</th>
            <th>{t('users.orgUnit')}</th>
            <th>{t('users.roles')}</th>
            <th>{t('users.status')}</th>
            <th>{t('users.lastLogin')}</th>
            <th>{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((user) => {
            const self = user.id === me.user.id;
            return (
              <tr key={user.id} data-testid={`user-row-${user.id}`} data-disabled={String(user.disabled)} className={user.disabled ? 'table__row--off' : ''}>
                <td className="mono">
                  {user.username}
                  {self ? ` ${t('users.self')}` : ''}
                </td>
                <td>{user.displayName}</td>
                <td>{names.get(user.orgUnitId) ?? user.orgUnitId}</td>
                <td>{orderedRoles(user.roles).map((r) => t(`roles.${r}`)).join('、')}</td>
                <td>{user.disabled ? t('users.disabled') : t('users.active')}</td>
                <td>{user.lastLoginAt !== null ? formatTime(user.lastLoginAt) : t('users.never')}</td>
                <td className="table__actions">
                  <button type="button" data-testid="row-edit" onClick={() => setEditing({ kind: 'edit', user })}>
                    {t('common.edit')}
                  </button>
                  <button type="button" data-testid="row-reset-password" onClick={() => setEditing({ kind: 'password', user })}>
                    {t('users.resetPassword')}
                  </button>
                  {!self && (
                    <button type="button" data-testid="row-toggle-disabled" onClick={() => void act(() => api.updateUser(user.id, { disabled: !user.disabled }))}>
                      {user.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                  {!self && <ConfirmButton testId="row-delete" label={t('common.delete')} question={t('users.deleteQuestion', { name: user.displayName })} onConfirm={() => void act(() => api.deleteUser(user.id))} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Create a user (with an initial password), or edit one's name, org unit and roles. */
function UserForm({
  user,
  defaultOrgUnitId,
  orgUnits,
  onDone,
  onSaved,
}: {
  user: User | null;
  defaultOrgUnitId: string;
  orgUnits: AdminContext['orgUnits'];
  onDone: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [orgUnitId, setOrgUnitId] = useState(user?.orgUnitId ?? defaultOrgUnitId);
  const [roles, setRoles] = useState<Role[]>(orderedRoles(user?.roles ?? []));
  const [password, setPassword] = useState('');
  const { busy, errors, setErrors, submit } = useFormSubmit();

  const toggleRole = (role: Role, on: boolean) => setRoles((current) => orderedRoles(on ? [...current, role] : current.filter((r) => r !== role)));

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (user === null) {
      const checked = validateBody(userCreate, { username: username.trim(), displayName, orgUnitId, roles, password });
      if (!checked.ok) return setErrors(checked.errors);
      void submit(async () => {
        await api.createUser(checked.data);
        onSaved();
      });
    } else {
      const checked = validateBody(userUpdate, changedFields({ ...user, roles: orderedRoles(user.roles) }, { displayName: displayName.trim(), orgUnitId, roles }));
      if (!checked.ok) return setErrors(checked.errors);
      if (Object.keys(checked.data).length === 0) return onDone();
      void submit(async () => {
        await api.updateUser(user.id, checked.data);
        onSaved();
      });
    }
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
        {ROLES.map((role) => (
          <label key={role} className="form__check">
            <input type="checkbox" data-testid={`field-role-${role}`} checked={roles.includes(role)} onChange={(e) => toggleRole(role, e.target.checked)} />
            {t(`roles.${role}`)}
          </label>
        ))}
        <FieldErrorText errors={errors} path="roles" />
      </fieldset>
      <FormButtons busy={busy} onCancel={onDone} />
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
