import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
const canTie = existsSync(SETPRIV);

/**
 * `child_process.spawn`, with the kernel killing the child (SIGKILL) when this worker process
 * dies however it dies, through util-linux's `setpriv --pdeathsig KILL` (Linux
 * PR_SET_PDEATHSIG). The SFU starts its own children the same way (sfu/src/process/spawnTied.ts);
 * the analytics workspace does not depend on the SFU, hence this twin. Plain spawn without setpriv.
 */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return canTie ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args], options) : spawn(command, args, options);
}
