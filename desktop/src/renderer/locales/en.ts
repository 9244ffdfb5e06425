import type { Messages } from './zh-CN.js';

/** English. */
export const en: Messages = {
  app: { title: 'Argus command-centre wall' },
  toolbar: { layout: 'Layout', language: 'Language', fullscreen: 'Full screen' },
  layout: { n: '{{count}} tiles' },
  cameras: { title: 'Cameras', empty: 'No cameras available', hint: 'Select a tile, then click a camera' },
  state: { connecting: 'Connecting', live: 'Live', lost: 'Signal lost' },
  tile: {
    empty: 'Empty', emptyHint: 'Click a camera to show it here', noSignal: 'Signal lost', connecting: 'Connecting…',
    maximiseHint: 'Double-click to maximise / restore', error: 'Cannot play: {{message}}',
  },
  stats: { resolution: '{{width}}×{{height}}', fps: '{{fps}} fps', bitrate: '{{kbps}} kbit/s' },
  connection: { lost: 'Connection to the server lost, reconnecting…', ok: 'Connected' },
  path: { passthrough: 'passthrough', transcode: 'transcoded' },
};
