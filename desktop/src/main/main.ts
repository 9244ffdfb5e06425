/**
 * Electron main process: deliberately thin. It reads its options, plans one full-screen wall
 * window per display (windowPlan.ts) and loads the renderer URL in each. All decisions live in
 * the plain modules next to it, which unit tests cover without the Electron binary.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, screen } from 'electron';
import { parseShellOptions } from './shellOptions.js';
import { planWindows } from './windowPlan.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function openWalls(): void {
  const options = parseShellOptions(process.argv, process.env);
  const plan = planWindows(screen.getAllDisplays(), options);
  for (const entry of plan) {
    const window = new BrowserWindow({
      ...entry.bounds,
      fullscreen: entry.fullscreen,
      autoHideMenuBar: true,
      backgroundColor: '#0b0f14',
      webPreferences: {
        preload: path.join(here, '../preload/preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        // A wall keeps playing when it is not focused or is covered.
        backgroundThrottling: false,
      },
    });
    void window.loadURL(entry.url);
  }
}

app.whenReady().then(openWalls, (error: unknown) => {
  console.error(error);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());
