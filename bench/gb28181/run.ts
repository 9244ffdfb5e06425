#!/usr/bin/env node
/**
 * `npm run bench:gb28181 [-- --devices N --duration SECONDS --time-scale X --sockets N --concurrency N --register-rate N --register-limit SECONDS --catalog-items N --output FILE]`
 *
 * Load on the GB/T 28181 signalling core (GbPlatform: SIP registrar, keepalive watchdog,
 * catalog) over real UDP sockets on loopback. A temporary SQLite store gets N devices (kind
 * `gb28181`, 20-digit GB IDs, one SIP password each) through the store API; a GbPlatform runs on
 * it in a child process (platformProcess.ts) so that its CPU time is measured apart from the load
 * generator's; then N simulated devices (deviceFleet.ts) register with MD5 digest, answer the
 * catalog query, and keep alive at the GB default of 60 s compressed by the time scale.
 *
 * Three phases: registration (every device registers; devices already registered keep alive
 * meanwhile, as the platform's watchdog expects; no registration starts after `--register-limit`
 * seconds), then, after one keepalive interval of warm-up, a steady keepalive phase of
 * `--duration` seconds, then keepalives stop and the watchdog times every device out. Prints
 * the platform's CPU share of one core in each phase, its event-loop delay, registration and
 * keepalive latency (p50 / p95 / p99 / max, ms), rates and failures, and writes
 * bench/output/gb28181.json.
 *
 * Exit status 0 when the measurement ran (whatever it found), 1 when it failed (e.g. no device
 * registered), 130 / 143 on SIGINT / SIGTERM. The platform process and the store are removed
 * in every case.
 *
 * Defaults: 10,000 devices over 100 sockets, time scale 40 ("60 s" = 1.5 s), 200 registrations
 * under way at once, no rate limit, registrations started within 600 s, 1 catalog item per
 * device, a 30 s steady phase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Cleanup } from '../latency/cleanup.js';
import { writeJsonReport } from '../latency/report.js';
import { DeviceFleet, type FleetCounters } from './deviceFleet.js';
import { DOMAIN_ID, MAX_CATALOG_ITEMS, MAX_DEVICES, SERVER_ID } from './fleetIds.js';
import { PlatformClient } from './platformClient.js';
import { figures, formatReport, phaseMeasure, resultsJson, type GbBenchRun, type GbBenchSetup, type PhaseMeasure } from './results.js';
import { seedStore } from './seedStore.js';
import { udpDrops } from './udpDrops.js';

/** Repository root (this file runs from bench/dist/gb28181/). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_OUTPUT = path.join(REPO_ROOT, 'bench/output/gb28181.json');

/** The GB/T 28181-2016 §9.6 default keepalive interval, ms; the time scale divides it. */
const GB_KEEPALIVE_INTERVAL_MS = 60_000;
/** Keepalives missed before offline (GB/T 28181-2016 §9.6 default). */
const KEEPALIVE_MISSED = 3;
/** REGISTER Expires (not scaled: the run is far shorter than an hour even uncompressed), s. */
const EXPIRES_S = 3600;

interface Options {
  devices: number;
  durationS: number;
  timeScale: number;
  sockets: number;
  concurrency: number;
  registerRate: number;
  registerLimitS: number;
  catalogItems: number;
  output: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '10000' },
      duration: { type: 'string', default: '30' },
      'time-scale': { type: 'string', default: '40' },
      sockets: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '200' },
      'register-rate': { type: 'string', default: '0' },
      'register-limit': { type: 'string', default: '600' },
      'catalog-items': { type: 'string', default: '1' },
      output: { type: 'string', default: DEFAULT_OUTPUT },
    },
  });
  const int = (name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${text}`);
    return n;
  };
  const timeScale = Number(values['time-scale']);
  // 60 s / scale must stay within the platform's keepaliveIntervalMs range (≥ 100 ms).
  if (!(timeScale >= 1 && timeScale <= 600)) throw new Error(`--time-scale must be a number from 1 to 600, got ${values['time-scale']}`);
  const devices = int('devices', values.devices, 1, MAX_DEVICES);
  return {
    devices,
    durationS: int('duration', values.duration, 1),
    timeScale,
    sockets: Math.min(int('sockets', values.sockets, 1, 20_000), devices),
    concurrency: int('concurrency', values.concurrency, 1),
    registerRate: int('register-rate', values['register-rate'], 0),
    registerLimitS: int('register-limit', values['register-limit'], 1),
    catalogItems: int('catalog-items', values['catalog-items'], 0, MAX_CATALOG_ITEMS),
    output: path.resolve(values.output),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run `body` as one phase: platform samples, generator CPU, wall time and fleet counters at both ends. */
async function measurePhase<T>(platform: PlatformClient, fleet: DeviceFleet, body: () => Promise<T>, endWithStore = false): Promise<{ value: T; measure: PhaseMeasure }> {
  const p0 = await platform.sample();
  const counters0: FleetCounters = fleet.counters;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await body();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const counters1 = fleet.counters;
  const p1 = await platform.sample(endWithStore);
  return { value, measure: phaseMeasure([p0, p1], { wallMs, cpu, counters: [counters0, counters1] }) };
}

async function main(): Promise<number> {
  const options = parseOptions();
  process.env.ARGUS_LOG_LEVEL ??= 'warn';
  const cleanup = new Cleanup();
  const loadBefore = os.loadavg()[0]!;
  const keepaliveIntervalMs = Math.round(GB_KEEPALIVE_INTERVAL_MS / options.timeScale);
  const warmupMs = Math.max(keepaliveIntervalMs, 1000);
  const responseTimeoutMs = Math.max(5000, 2 * keepaliveIntervalMs);
  try {
    const storeDir = mkdtempSync(path.join(os.tmpdir(), 'argus-bench-gb-'));
    cleanup.add('store', () => rmSync(storeDir, { recursive: true, force: true }));
    const storePath = path.join(storeDir, 'argus.db');
    process.stderr.write(`seeding ${options.devices} GB/T 28181 devices into ${storePath}\n`);
    const seed = await seedStore(storePath, options.devices);

    const { client: platform, port, startMs } = await PlatformClient.start({
      storePath,
      domainId: DOMAIN_ID,
      serverId: SERVER_ID,
      keepaliveIntervalMs,
      keepaliveMissed: KEEPALIVE_MISSED,
      catalogTimeoutMs: 10_000,
    });
    cleanup.track(platform.process);
    cleanup.add('platform process', () => platform.kill());
    const fleet = await DeviceFleet.open({
      devices: options.devices,
      sockets: options.sockets,
      server: { host: '127.0.0.1', port },
      domainId: DOMAIN_ID,
      serverId: SERVER_ID,
      keepaliveIntervalMs,
      concurrency: options.concurrency,
      registerRate: options.registerRate,
      registerTimeLimitMs: options.registerLimitS * 1000,
      catalogItems: options.catalogItems,
      expiresS: EXPIRES_S,
      responseTimeoutMs,
    });
    cleanup.add('device fleet', () => fleet.close());
    const dropsBefore = { platform: udpDrops([port]), generator: udpDrops(fleet.localPorts) };

    process.stderr.write(`platform on udp 127.0.0.1:${port}; registering ${options.devices} devices (${options.concurrency} at once)\n`);
    const progress = setInterval(() => {
      const c = fleet.counters;
      process.stderr.write(`  ${c.registered} registered, ${c.registerFailed} given up, ${c.registerRetransmits} REGISTER retransmissions, ${c.keepalivesAnswered} keepalives answered\n`);
    }, 5000);
    const registration = await measurePhase(platform, fleet, () => fleet.registerAll()).finally(() => clearInterval(progress));
    if (cleanup.interrupted) throw new Error(`interrupted by ${cleanup.interrupted}`);
    process.stderr.write(`registration done in ${(registration.value.elapsedMs / 1000).toFixed(2)} s; warm-up ${warmupMs} ms, then ${options.durationS} s of keepalives every ${keepaliveIntervalMs} ms\n`);
    await sleep(warmupMs);
    const steady = await measurePhase(platform, fleet, async () => {
      fleet.sampleKeepalives(true);
      await sleep(options.durationS * 1000);
      fleet.sampleKeepalives(false);
    }, true);
    // Every device falls silent: the watchdog times them all out within keepaliveMissed + 1/4 intervals.
    const silenceMs = (KEEPALIVE_MISSED + 1) * keepaliveIntervalMs + 1000;
    process.stderr.write(`steady phase done; keepalives stopped, waiting ${silenceMs} ms for the watchdog\n`);
    const silence = await measurePhase(platform, fleet, async () => {
      const started = performance.now();
      await fleet.stopKeepalives();
      await sleep(Math.max(0, silenceMs - (performance.now() - started)));
    });
    const keepaliveLatenciesMs = fleet.takeKeepaliveSamples();
    const dropsAfter = { platform: udpDrops([port]), generator: udpDrops(fleet.localPorts) };
    const fleetCounters = fleet.counters;
    const final = await platform.stop();
    if (cleanup.interrupted) throw new Error(`interrupted by ${cleanup.interrupted}`);

    const setup: GbBenchSetup = {
      devices: options.devices,
      sockets: options.sockets,
      timeScale: options.timeScale,
      keepaliveIntervalMs,
      keepaliveMissed: KEEPALIVE_MISSED,
      concurrency: options.concurrency,
      registerRate: options.registerRate,
      catalogItems: options.catalogItems,
      durationS: options.durationS,
      registerLimitS: options.registerLimitS,
      warmupMs,
      expiresS: EXPIRES_S,
      responseTimeoutMs,
      machine: { cpus: os.availableParallelism(), node: process.version, loadBefore, loadAfter: os.loadavg()[0]! },
    };
    const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
    const run: GbBenchRun = {
      setup,
      seed,
      platformStartMs: startMs,
      registration: { ...registration.measure, outcome: registration.value },
      steady: { ...steady.measure, keepaliveLatenciesMs },
      silence: silence.measure,
      fleet: fleetCounters,
      final,
      udpDrops: { platform: diff(dropsBefore.platform, dropsAfter.platform), generator: diff(dropsBefore.generator, dropsAfter.generator) },
    };
    const f = figures(run);
    console.log(`\n${formatReport(run, f)}`);
    await writeJsonReport(options.output, resultsJson(run, f));
    console.log(`\nresults: ${path.relative(process.cwd(), options.output) || options.output}`);
    return registration.value.latenciesMs.length > 0 ? 0 : 1;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:gb28181 failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
