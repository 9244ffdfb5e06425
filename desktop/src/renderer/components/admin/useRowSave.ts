import { validateBody, type SchemaLike } from '../../api/formErrors.js';
import { useFormSubmit } from '../FormParts.js';

/** How an admin form ends: closed without saving (`onDone`), or saved (`onSaved`, which may reload a list). */
export interface FormDone {
  onDone: () => void;
  onSaved: () => void | Promise<void>;
}

/** An update that names no field changes nothing. */
const isEmptyPatch = (patch: object) => Object.keys(patch).length === 0;

/**
 * Saving an admin form that creates or edits a row. `create(schema, body, call)` and
 * `update(schema, patch, call)` check the body against the schema the server validates it
 * with (errors by field, nothing sent), send it with `call`, then `onSaved`; an update that
 * changes nothing (`unchanged`, default: an empty patch) just closes the form (`onDone`).
 * Gives the form `busy` and `errors` (and `setErrors` for checks of its own), as
 * {@link useFormSubmit} does, with a failed call's errors.
 */
export function useRowSave({ onDone, onSaved }: FormDone) {
  const { busy, errors, setErrors, submit } = useFormSubmit();
  const send = <T>(schema: SchemaLike<T>, body: unknown, call: (data: T) => Promise<unknown>, unchanged?: (data: T) => boolean) => {
    const checked = validateBody(schema, body);
    if (!checked.ok) return setErrors(checked.errors);
    if (unchanged?.(checked.data)) return onDone();
    void submit(async () => {
      await call(checked.data);
      await onSaved();
    });
  };
  const create = <T>(schema: SchemaLike<T>, body: unknown, call: (data: T) => Promise<unknown>) => send(schema, body, call);
  const update = <T extends object>(schema: SchemaLike<T>, patch: unknown, call: (data: T) => Promise<unknown>, unchanged: (data: T) => boolean = isEmptyPatch) => send(schema, patch, call, unchanged);
  return { busy, errors, setErrors, create, update };
}
