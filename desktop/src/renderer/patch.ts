/**
 * The fields of `next` whose values differ from `original` (compared as JSON, so arrays and
 * nested objects compare by content), for PATCH bodies that name only what changed.
 */
export function changedFields<T extends object>(original: Readonly<Partial<NoInfer<T>>>, next: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (next[key] === undefined) continue;
    if (JSON.stringify(next[key]) !== JSON.stringify(original[key])) out[key] = next[key];
  }
  return out;
}

/** A text field's value for the API: trimmed, and null when empty (optional fields that can be cleared). */
export function textOrNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
