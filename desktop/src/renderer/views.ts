import type { Permission } from '@argus/shared';

/** The wall app's views and the permission each needs (shared/src/domain.ts `PERMISSIONS`). */
export const VIEWS = [
  { id: 'wall', permission: 'wall.view' },
  { id: 'persons', permission: 'persons.manage' },
  { id: 'admin', permission: 'admin.manage' },
  { id: 'audit', permission: 'audit.read' },
] as const satisfies ReadonlyArray<{ id: string; permission: Permission }>;
export type ViewId = (typeof VIEWS)[number]['id'];

/** The views `permissions` open, in menu order. */
export function availableViews(permissions: readonly Permission[]): ViewId[] {
  return VIEWS.filter((view) => permissions.includes(view.permission)).map((view) => view.id);
}

/** The view to show first: the remembered one if still available, else the first available; null when none is. */
export function initialView(available: readonly ViewId[], remembered: string | null): ViewId | null {
  const match = available.find((id) => id === remembered);
  return match ?? available[0] ?? null;
}
