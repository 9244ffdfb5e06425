import { readFileSync } from 'node:fs';

/**
 * Datagrams the kernel dropped because a socket's receive buffer was full, summed over the IPv4
 * UDP sockets bound to `ports` (the `drops` column of /proc/net/udp, counted since each socket
 * was opened).
 * @returns null when /proc/net/udp cannot be read (not Linux)
 */
export function udpDrops(ports: readonly number[]): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/net/udp', 'utf8');
  } catch {
    return null;
  }
  const wanted = new Set(ports.map((port) => port.toString(16).toUpperCase().padStart(4, '0')));
  let drops = 0;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    const localPort = fields[1]?.split(':')[1];
    if (localPort !== undefined && wanted.has(localPort)) drops += Number(fields[fields.length - 1]) || 0;
  }
  return drops;
}
