import type { z } from 'zod';

/**
 * Render a zod error as one line per problem, each naming the field by its path,
 * e.g. `cameras[1].url: must be an rtsp:// or rtsps:// URL`.
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
}

/** `['cameras', 1, 'url']` → `cameras[1].url`; the empty path → `(root)`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
