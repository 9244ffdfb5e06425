import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Role, User } from '@argus/shared';
import type { Actor, UserInput, UserRepository } from '../store.js';
import { definedFields, found, translateConstraint, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: string;
  username: string;
  display_name: string;
  org_unit_id: string;
  password_hash: string;
  disabled: number;
  must_change_password: number;
  created_at: number;
  last_login_at: number | null;
  roles: string | null;
}
const SELECT = `SELECT u.id, u.username, u.display_name, u.org_unit_id, u.password_hash, u.disabled, u.must_change_password, u.created_at, u.last_login_at,
                       (SELECT group_concat(role) FROM user_roles r WHERE r.user_id = u.id) AS roles
                FROM users u`;
const ROLE_ORDER: Role[] = ['admin', 'operator', 'supervisor', 'presenter', 'auditor'];
const toUser = (row: Row): User => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  orgUnitId: row.org_unit_id,
  roles: ROLE_ORDER.filter((role) => (row.roles ?? '').split(',').includes(role)),
  disabled: row.disabled === 1,
  mustChangePassword: row.must_change_password === 1,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
});

/** Users and their roles in SQLite. Password hashes never leave except through findForLogin. */
export class SqliteUsers implements UserRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  private row(id: string): Row | undefined {
    return this.db.prepare(`${SELECT} WHERE u.id = ?`).get(id) as Row | undefined;
  }

  async list(): Promise<User[]> {
    return (this.db.prepare(`${SELECT} ORDER BY u.org_unit_id, u.username`).all() as Row[]).map(toUser);
  }

  async get(id: string): Promise<User | null> {
    const row = this.row(id);
    return row ? toUser(row) : null;
  }

  async findForLogin(username: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = this.db.prepare(`${SELECT} WHERE u.username = ?`).get(username) as Row | undefined;
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  private setRoles(userId: string, roles: readonly Role[]): void {
    this.db.prepare('DELETE FROM user_roles WHERE user_id = ?').run(userId);
    const insert = this.db.prepare('INSERT INTO user_roles (user_id, role) VALUES (?, ?)');
    for (const role of new Set(roles)) insert.run(userId, role);
  }

  async create(input: UserInput, by: Actor): Promise<User> {
    const id = randomUUID();
    return this.db.transaction(() => {
      found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(input.orgUnitId), `org unit ${input.orgUnitId}`);
      try {
        this.db
          .prepare('INSERT INTO users (id, username, display_name, org_unit_id, password_hash, disabled, must_change_password, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)')
          .run(id, input.username, input.displayName, input.orgUnitId, input.passwordHash, input.mustChangePassword ? 1 : 0, Date.now());
      } catch (error) {
        translateConstraint(error, `username ${input.username}`);
      }
      this.setRoles(id, input.roles);
      const user = toUser(this.row(id)!);
      this.audit.change(by, 'admin.create', 'user', id, user.orgUnitId, { username: user.username, displayName: user.displayName, orgUnitId: user.orgUnitId, roles: user.roles });
      return user;
    })();
  }

  async update(id: string, patch: Partial<Omit<UserInput, 'username'>> & { disabled?: boolean }, by: Actor): Promise<User> {
    return this.db.transaction(() => {
      const before = found(this.row(id), `user ${id}`);
      if (patch.orgUnitId !== undefined) found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(patch.orgUnitId), `org unit ${patch.orgUnitId}`);
      this.db
        .prepare('UPDATE users SET display_name = ?, org_unit_id = ?, password_hash = ?, disabled = ?, must_change_password = ? WHERE id = ?')
        .run(
          patch.displayName ?? before.display_name,
          patch.orgUnitId ?? before.org_unit_id,
          patch.passwordHash ?? before.password_hash,
          patch.disabled === undefined ? before.disabled : patch.disabled ? 1 : 0,
          patch.mustChangePassword === undefined ? before.must_change_password : patch.mustChangePassword ? 1 : 0,
          id,
        );
      if (patch.roles) this.setRoles(id, patch.roles);
      const after = toUser(this.row(id)!);
      const { passwordHash, ...rest } = definedFields(patch) as Record<string, unknown>;
      this.audit.change(by, 'admin.update', 'user', id, after.orgUnitId, { username: after.username, ...rest, ...(passwordHash ? { passwordChanged: true } : {}) });
      return after;
    })();
  }

  async delete(id: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const before = found(this.row(id), `user ${id}`);
      this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
      this.audit.change(by, 'admin.delete', 'user', id, before.org_unit_id, { username: before.username });
    })();
  }

  async changeOwnPassword(id: string, passwordHash: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const before = found(this.row(id), `user ${id}`);
      this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?').run(passwordHash, id);
      this.audit.write({ at: Date.now(), userId: by.userId, username: by.username, address: by.address, action: 'auth.password-change', targetType: 'user', targetId: id, orgUnitId: before.org_unit_id });
    })();
  }

  async recordLogin(id: string, at: number): Promise<void> {
    this.db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(at, id);
  }
}
