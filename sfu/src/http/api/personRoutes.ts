import { personCreate, personUpdate } from '@argus/shared';
import { actorOf } from '../../auth/principal.js';
import { inScope } from '../../scope/scopeRules.js';
import { ApiError } from './apiError.js';
import { created, noContent, type ApiDeps, type ApiRouteTable } from './apiRouter.js';

/**
 * Supervised persons (sensitive personal data): supervisors of the person's org unit or above
 * only; every read is audited, every change is audited by the store.
 */
export function addPersonRoutes(api: ApiRouteTable, deps: ApiDeps): void {
  const { store, catalog } = deps;
  const rule = { permission: 'persons.manage' } as const;
  const load = async (principal: Parameters<typeof inScope>[1], id: string) => {
    const person = await store.persons.get(id);
    if (!person || !inScope(catalog.tree, principal, person.orgUnitId)) throw new ApiError('not-found', `person ${id} not found`);
    return person;
  };

  api.route('GET', '/api/persons', rule, async ({ principal }) => {
    const persons = (await store.persons.list()).filter((p) => inScope(catalog.tree, principal, p.orgUnitId));
    await store.audit.append({
      at: Date.now(),
      ...actorOf(principal),
      action: 'persons.read',
      targetType: 'person',
      orgUnitId: principal.user.orgUnitId,
      detail: { count: persons.length, ids: persons.map((p) => p.id).slice(0, 500) },
    });
    return { persons };
  });
  api.route('POST', '/api/persons', { ...rule, body: personCreate }, async ({ principal, body }) => {
    if (!inScope(catalog.tree, principal, body.orgUnitId)) throw new ApiError('forbidden', `org unit ${body.orgUnitId} is outside your area`);
    return created(await store.persons.create(body, actorOf(principal)));
  });
  api.route('PATCH', '/api/persons/:id', { ...rule, body: personUpdate }, async ({ principal, params, body }) => {
    await load(principal, params.id ?? '');
    if (body.orgUnitId && !inScope(catalog.tree, principal, body.orgUnitId)) throw new ApiError('forbidden', `org unit ${body.orgUnitId} is outside your area`);
    return store.persons.update(params.id ?? '', body, actorOf(principal));
  });
  api.route('DELETE', '/api/persons/:id', rule, async ({ principal, params }) => {
    await load(principal, params.id ?? '');
    await store.persons.delete(params.id ?? '', actorOf(principal));
    // Its face templates went with it: the workers' galleries forget them now.
    await deps.analytics?.personChanged(params.id ?? '');
    return noContent();
  });
}
