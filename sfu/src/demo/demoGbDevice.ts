import { randomBytes } from 'node:crypto';
import { buildSeedPlan } from '../seed/seedPlan.js';
import { SYSTEM_ACTOR, type Store } from '../store/store.js';
import { GbDeviceSimulator } from './gbDeviceSimulator.js';
import { LiveEsSource } from './liveEsSource.js';

/** The demo platform's SIP identity (GB/T 28181-2016 Appendix D: domain 9901020000, type 200). */
export const DEMO_GB = { domainId: '9901020000', serverId: '99010200002000000001' } as const;
/** The simulated NVR and its two channels: a PTZ dome in H.264, a bullet camera in H.265. */
const DEVICE_ID = 'demo-gb-nvr';
const DEVICE_GB_ID = '99010200001180000001';
const DOME = { id: '99010200001310000001', name: '国标球机（模拟，H.264，可云台）' };
const BULLET = { id: '99010200001310000002', name: '国标枪机（模拟，H.265）' };

export interface DemoGbDevice {
  /** The channels, once the catalog reached the store. */
  channelIds: string[];
  stop(): Promise<void>;
  /** Kill the encoders now (synchronous), for process exit. */
  killNow(): void;
}

/**
 * Put a simulated GB/T 28181 NVR in the demo: a `gb28181` device in the first county of the demo
 * province with a fresh SIP password (on every start), then a device simulator that registers to
 * the platform on `sipPort` with digest, keeps alive, answers the catalog (the two channels), and
 * when a tile plays a channel streams live test patterns with a clock as PS over RTP — H.264
 * (passed through) and H.265 (transcoded by the SFU). The dome answers PTZ (logged).
 */
export async function startDemoGbDevice(store: Store, sipPort: number, log: (message: string) => void): Promise<DemoGbDevice> {
  const { anchors } = buildSeedPlan({ demoCameraIds: [] });
  const password = randomBytes(12).toString('base64url');
  const existing = await store.devices.get(DEVICE_ID);
  if (existing) await store.devices.update(DEVICE_ID, { sipPassword: password }, SYSTEM_ACTOR);
  else {
    await store.devices.create(
      { id: DEVICE_ID, orgUnitId: anchors.county1Id, kind: 'gb28181', name: '模拟国标 NVR', gbDeviceId: DEVICE_GB_ID, manufacturer: 'Argus demo', sipPassword: password },
      SYSTEM_ACTOR,
    );
  }
  // Smaller and slower than the RTSP feeds: on 2 cores, libx265 here plus the SFU's transcode of it
  // must not starve the rest of the demo.
  const sources = [
    new LiveEsSource({ codec: 'h264', label: 'GB28181 dome H.264', width: 640, height: 360, fps: 25 }),
    new LiveEsSource({ codec: 'h265', label: 'GB28181 bullet H.265', width: 480, height: 270, fps: 15 }),
  ];
  const simulator = new GbDeviceSimulator({
    deviceId: DEVICE_GB_ID,
    password,
    ...DEMO_GB,
    server: { host: '127.0.0.1', port: sipPort },
    transport: 'udp',
    channels: [
      { ...DOME, ptz: true, media: { file: sources[0]!, codec: 'h264' } },
      { ...BULLET, media: { file: sources[1]!, codec: 'h265' } },
    ],
    catalogPerMessage: 1,
  });
  await simulator.start();
  const registered = await simulator.register();
  if (registered.status !== 200) throw new Error(`the demo GB/T 28181 device could not register (${registered.status})`);
  simulator.startKeepalive(30_000);
  const ptzSeen = simulator.ptzCommands.length;
  const ptzLog = setInterval(() => {
    for (const command of simulator.ptzCommands.splice(ptzSeen)) log(`demo GB/T 28181 dome received PTZCmd ${command.ptzCmd} (${command.decoded?.kind ?? 'invalid'})`);
  }, 500);
  ptzLog.unref();
  return {
    channelIds: [DOME.id, BULLET.id],
    async stop() {
      clearInterval(ptzLog);
      for (const source of sources) source.stop();
      await simulator.unregister().catch(() => undefined);
      await simulator.close();
    },
    killNow() {
      for (const source of sources) source.stop();
    },
  };
}
