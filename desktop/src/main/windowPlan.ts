/**
 * Which windows the Electron shell opens: one full-screen wall window per display, ordered
 * left to right (then top to bottom) so "monitor 1" is the leftmost. Pure, so it is unit-tested
 * without Electron.
 */

/** The part of Electron's `Display` the plan needs (bounds in DIP px). */
export interface DisplayInfo {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

export interface WindowPlanEntry {
  displayId: number;
  /** 0-based position of the monitor in the wall, left to right. */
  monitorIndex: number;
  bounds: { x: number; y: number; width: number; height: number };
  fullscreen: boolean;
  /** Renderer URL with `monitor=N` added, so each window can keep its own layout. */
  url: string;
}

export interface WindowPlanOptions {
  rendererUrl: string;
  /** false: windowed (development); true: full-screen on each display. */
  fullscreen: boolean;
  /** Use only these display ids (in wall order as sorted); default all. */
  onlyDisplayIds?: number[];
}

/**
 * Plan one window per display.
 * @throws Error when no display is left to use, or `rendererUrl` is not a URL.
 */
export function planWindows(displays: DisplayInfo[], options: WindowPlanOptions): WindowPlanEntry[] {
  const chosen = displays
    .filter((d) => !options.onlyDisplayIds || options.onlyDisplayIds.includes(d.id))
    .slice()
    .sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y || a.id - b.id);
  if (chosen.length === 0) throw new Error('no display to open a wall window on');
  return chosen.map((display, monitorIndex) => {
    const url = new URL(options.rendererUrl);
    url.searchParams.set('monitor', String(monitorIndex));
    return {
      displayId: display.id,
      monitorIndex,
      bounds: { ...display.bounds },
      fullscreen: options.fullscreen,
      url: url.toString(),
    };
  });
}
