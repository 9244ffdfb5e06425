import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/** util-linux's setpriv (Debian: always installed), which can set the parent-death signal before exec. */
const SETPRIV = '/usr/bin/setpriv';
const canTie = existsSync(SETPRIV);

/**
 * Spawn a child that the kernel kills (SIGKILL) the moment this process dies, however it dies —
 * `kill -9`, an OOM kill, a crash — through `setpriv --pdeathsig KILL` (prctl PR_SET_PDEATHSIG,
 * Linux). Without it, an SFU that crashed would leave ffmpeg processes holding RTSP sessions
 * that many cameras limit, and a restart would open new ones beside them.
 *
 * Same arguments and result as `child_process.spawn`; `pid` is the program's own (setpriv execs
 * it in place). Falls back to a plain spawn where setpriv is missing.
 */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return canTie ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args], options) : spawn(command, args, options);
}
