/** Simplified Chinese (default). Keys are shared with en.ts; TypeScript checks they match. */
export const zhCN = {
  app: { title: 'Argus 指挥中心视频墙' },
  toolbar: { layout: '画面分割', language: '语言', fullscreen: '全屏' },
  layout: { n: '{{count}} 画面' },
  cameras: { title: '摄像机', empty: '没有可用的摄像机', hint: '先选中画面，再单击摄像机' },
  state: { connecting: '连接中', live: '在线', lost: '信号丢失' },
  tile: {
    empty: '空闲', emptyHint: '单击摄像机放入此画面', noSignal: '信号丢失', connecting: '正在连接…',
    maximiseHint: '双击放大 / 还原', error: '无法播放：{{message}}',
  },
  stats: { resolution: '{{width}}×{{height}}', fps: '{{fps}} 帧/秒', bitrate: '{{kbps}} kbit/s' },
  connection: { lost: '与服务器的连接已断开，正在重连…', ok: '已连接' },
  path: { passthrough: '直通', transcode: '转码' },
} as const;

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type Messages = Shape<typeof zhCN>;
