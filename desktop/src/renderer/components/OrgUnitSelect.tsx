import { useMemo } from 'react';
import type { OrgUnit } from '@argus/shared';
import { orgUnitOptions } from '../orgTree.js';

/**
 * Picks an org unit of the user's subtree: options depth first, indented by depth.
 * `emptyLabel` adds a first option with value '' (e.g. "same as the device").
 */
export function OrgUnitSelect({
  units,
  value,
  onChange,
  testId,
  emptyLabel,
  disabled,
}: {
  units: readonly OrgUnit[];
  value: string;
  onChange: (id: string) => void;
  testId: string;
  emptyLabel?: string;
  disabled?: boolean;
}) {
  const options = useMemo(() => orgUnitOptions(units), [units]);
  return (
    <select data-testid={testId} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
      {/* A value outside the list (e.g. a unit just deleted) stays visible rather than silently changing. */}
      {value !== '' && !options.some((o) => o.id === value) && <option value={value}>{value}</option>}
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
