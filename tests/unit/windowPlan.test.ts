import { describe, expect, it } from 'vitest';
import { planWindows } from '../../desktop/dist/main/windowPlan.js';
import { DEFAULT_RENDERER_URL, parseShellOptions } from '../../desktop/dist/main/shellOptions.js';

const left = { id: 7, bounds: { x: -1920, y: 0, width: 1920, height: 1080 } };
const primary = { id: 1, bounds: { x: 0, y: 0, width: 2560, height: 1440 } };
const right = { id: 3, bounds: { x: 2560, y: 0, width: 1920, height: 1080 } };

describe('planWindows', () => {
  it('opens one full-screen window per display, left to right, each told its monitor index', () => {
    const plan = planWindows([primary, right, left], { rendererUrl: 'http://10.1.2.3:8080/', fullscreen: true });
    expect(plan.map((w) => w.displayId)).toEqual([7, 1, 3]);
    expect(plan.map((w) => w.monitorIndex)).toEqual([0, 1, 2]);
    expect(plan.every((w) => w.fullscreen)).toBe(true);
    expect(plan[1]!.bounds).toEqual(primary.bounds);
    expect(plan[2]!.url).toBe('http://10.1.2.3:8080/?monitor=2');
  });

  it('keeps the renderer URL query and orders stacked displays top to bottom', () => {
    const top = { id: 2, bounds: { x: 0, y: -1080, width: 1920, height: 1080 } };
    const plan = planWindows([primary, top], { rendererUrl: 'http://h/?lang=en', fullscreen: false });
    expect(plan.map((w) => w.displayId)).toEqual([2, 1]);
    expect(plan[0]!.url).toBe('http://h/?lang=en&monitor=0');
    expect(plan[0]!.fullscreen).toBe(false);
  });

  it('uses only the chosen displays and fails clearly when none is left', () => {
    expect(planWindows([primary, right, left], { rendererUrl: 'http://h/', fullscreen: true, onlyDisplayIds: [3] }).map((w) => w.displayId)).toEqual([3]);
    expect(() => planWindows([primary], { rendererUrl: 'http://h/', fullscreen: true, onlyDisplayIds: [99] })).toThrow(/no display/);
    expect(() => planWindows([], { rendererUrl: 'http://h/', fullscreen: true })).toThrow(/no display/);
  });
});

describe('parseShellOptions', () => {
  it('defaults to the local SFU, full screen, all displays', () => {
    expect(parseShellOptions([], {})).toEqual({ rendererUrl: DEFAULT_RENDERER_URL, fullscreen: true });
  });

  it('takes the renderer URL from the command line before the environment', () => {
    expect(parseShellOptions(['--renderer-url=http://wall.local:9000/'], { ARGUS_RENDERER_URL: 'http://other/' }).rendererUrl).toBe('http://wall.local:9000/');
    expect(parseShellOptions([], { ARGUS_RENDERER_URL: 'https://other/' }).rendererUrl).toBe('https://other/');
  });

  it('reads windowed mode and display ids; rejects bad values', () => {
    expect(parseShellOptions(['--windowed', '--displays=3, 7'], {})).toEqual({ rendererUrl: DEFAULT_RENDERER_URL, fullscreen: false, onlyDisplayIds: [3, 7] });
    expect(() => parseShellOptions(['--renderer-url=not a url'], {})).toThrow(/not a URL/);
    expect(() => parseShellOptions(['--renderer-url=ftp://x/'], {})).toThrow(/http\(s\) or file/);
    expect(() => parseShellOptions(['--displays=a,b'], {})).toThrow(/--displays/);
  });
});
