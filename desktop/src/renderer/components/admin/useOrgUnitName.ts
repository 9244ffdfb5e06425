import { useMemo } from 'react';
import type { OrgUnit } from '@argus/shared';
import { orgUnitNames } from '../../orgTree.js';

/**
 * Names org units in a table: the name of the unit of `units` with the given id, or the id
 * itself for a unit outside them (e.g. one just deleted).
 */
export function useOrgUnitName(units: readonly OrgUnit[]): (id: string) => string {
  return useMemo(() => {
    const names = orgUnitNames(units);
    return (id: string) => names.get(id) ?? id;
  }, [units]);
}
