#!/usr/bin/env node
/**
 * The platform side of `bench:gb28181`, forked by run.ts so that its CPU time is measured apart
 * from the load generator's: opens the seeded store, starts a {@link GbPlatform} on a free
 * loopback port, and answers samples (CPU, memory, counters, event-loop delay) over IPC until
 * told to stop. Exits when the benchmark goes away.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseSfuConfig } from '@argus/shared';
import { createLogger, freeSipPort, GbPlatform, openSqliteStore, type GbOfflineReason, type Store } from '@argus/sfu';
import type { FromPlatform, PlatformFinal, PlatformLaunch, PlatformSample, ToPlatform } from './platformIpc.js';

function send(message: FromPlatform, then?: () => void): void {
  if (!process.send) throw new Error('platformProcess.js must be started by child_process.fork');
  process.send(message, undefined, undefined, () => then?.());
}

async function startPlatform(launch: PlatformLaunch, store: Store): Promise<GbPlatform> {
  const log = createLogger('bench-gb');
  for (let attempt = 0; ; attempt++) {
    const config = parseSfuConfig({
      gb28181: {
        enabled: true,
        host: '127.0.0.1',
        port: await freeSipPort(),
        domainId: launch.domainId,
        serverId: launch.serverId,
        keepaliveIntervalMs: launch.keepaliveIntervalMs,
        keepaliveMissed: launch.keepaliveMissed,
        catalogTimeoutMs: launch.catalogTimeoutMs,
      },
    }).gb28181;
    try {
      return await GbPlatform.start({ config, store, log });
    } catch (error) {
      // The port was taken between the check and the bind: try another.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

async function main(): Promise<void> {
  const launch = JSON.parse(process.argv[2] ?? '{}') as PlatformLaunch;
  const store = openSqliteStore(launch.storePath);
  const started = performance.now();
  const platform = await startPlatform(launch, store);
  const startMs = performance.now() - started;

  let onlineEvents = 0;
  let catalogUpdates = 0;
  let channelsCreated = 0;
  const offlineEvents: Partial<Record<GbOfflineReason, number>> = {};
  const online = new Set<string>();
  const everOnline = new Set<string>();
  platform.on('deviceOnline', (device) => {
    onlineEvents++;
    online.add(device.id);
    everOnline.add(device.id);
  });
  platform.on('deviceOffline', (device, reason) => {
    offlineEvents[reason] = (offlineEvents[reason] ?? 0) + 1;
    online.delete(device.id);
  });
  platform.on('catalogUpdated', (update) => {
    catalogUpdates++;
    channelsCreated += update.sync.created.length;
  });

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const sample = (onlineInStore: number | null = null): PlatformSample => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const eventLoop = { p50Ms: ms(loop.percentile(50)), p99Ms: ms(loop.percentile(99)), maxMs: ms(loop.max) };
    loop.reset();
    return {
      atMs: performance.now(),
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      counters: platform.counters,
      registered: platform.registeredDevices().length,
      online: online.size,
      onlineInStore,
      everOnline: everOnline.size,
      onlineEvents,
      offlineEvents: { ...offlineEvents },
      catalogUpdates,
      channelsCreated,
      eventLoop,
    };
  };

  let stopping = false;
  const stop = async (): Promise<PlatformFinal> => {
    const last = sample();
    const devices = await store.devices.list();
    const closing = performance.now();
    await platform.close();
    const closeMs = performance.now() - closing;
    await store.close();
    return { sample: last, devicesInStore: devices.length, onlineInStore: devices.filter((d) => d.online).length, closeMs };
  };

  process.on('message', (message: ToPlatform) => {
    if (message.type === 'sample') {
      const reading = sample();
      if (!message.withStore) send({ type: 'sample', id: message.id, sample: reading });
      else {
        void store.devices.list().then(
          (devices) => send({ type: 'sample', id: message.id, sample: { ...reading, onlineInStore: devices.filter((d) => d.online).length } }),
          (error: unknown) => send({ type: 'failed', message: `store read failed: ${String(error)}` }),
        );
      }
    }
    else if (message.type === 'stop' && !stopping) {
      stopping = true;
      stop().then(
        (final) => send({ type: 'stopped', final }, () => process.exit(0)),
        (error: unknown) => send({ type: 'failed', message: String(error) }, () => process.exit(1)),
      );
    }
  });
  // The benchmark went away (crash, SIGKILL): do not linger.
  process.on('disconnect', () => {
    if (!stopping) void platform.close().finally(() => process.exit(0));
  });
  send({ type: 'ready', port: platform.port, startMs });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.send) send({ type: 'failed', message }, () => process.exit(1));
  else {
    console.error(message);
    process.exit(1);
  }
});
