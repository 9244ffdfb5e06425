const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch ms as local `YYYY-MM-DD HH:mm:ss`, the way the audit log and user lists show times. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** An audit entry's details on one line (`key=value`, nested values as JSON); '' when there are none. */
export function formatDetail(detail: Readonly<Record<string, unknown>>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
