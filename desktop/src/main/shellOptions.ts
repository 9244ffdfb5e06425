/**
 * The Electron shell's options from its command line and environment. Pure, unit-tested.
 *
 * - `--renderer-url=URL` or ARGUS_RENDERER_URL: where the wall is served (default http://127.0.0.1:8080/);
 * - `--windowed` or ARGUS_WINDOWED=1: normal windows instead of full screen (development);
 * - `--displays=ID,ID` or ARGUS_DISPLAYS: only these display ids.
 */
export interface ShellOptions {
  rendererUrl: string;
  fullscreen: boolean;
  onlyDisplayIds?: number[];
}

export const DEFAULT_RENDERER_URL = 'http://127.0.0.1:8080/';

/** @throws Error naming the bad option when a URL or a display list does not parse. */
export function parseShellOptions(argv: string[], env: Record<string, string | undefined>): ShellOptions {
  const arg = (name: string): string | undefined => {
    const prefix = `--${name}=`;
    return argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  };
  const rendererUrl = arg('renderer-url') ?? env.ARGUS_RENDERER_URL ?? DEFAULT_RENDERER_URL;
  let parsed: URL;
  try {
    parsed = new URL(rendererUrl);
  } catch {
    throw new Error(`renderer URL "${rendererUrl}" is not a URL`);
  }
  if (!['http:', 'https:', 'file:'].includes(parsed.protocol)) throw new Error(`renderer URL "${rendererUrl}" must be http(s) or file`);

  const fullscreen = !(argv.includes('--windowed') || env.ARGUS_WINDOWED === '1');
  const displays = arg('displays') ?? env.ARGUS_DISPLAYS;
  const options: ShellOptions = { rendererUrl: parsed.toString(), fullscreen };
  if (displays) {
    const ids = displays.split(',').map((s) => Number(s.trim()));
    if (ids.some((id) => !Number.isInteger(id))) throw new Error(`--displays "${displays}" must be a comma-separated list of display ids`);
    options.onlyDisplayIds = ids;
  }
  return options;
}
