import type { GbPlatformCounters } from '@argus/sfu';
import { percentile } from '../latency/stats.js';
import type { FleetCounters, RegistrationOutcome } from './deviceFleet.js';
import type { EventLoopDelay, PlatformFinal, PlatformSample } from './platformIpc.js';
import type { SeedTiming } from './seedStore.js';

/** How the benchmark ran. */
export interface GbBenchSetup {
  devices: number;
  sockets: number;
  /** Real seconds per benchmark second for keepalives: "60 s" lasts 60 / timeScale s. */
  timeScale: number;
  /** The compressed keepalive interval, ms. */
  keepaliveIntervalMs: number;
  keepaliveMissed: number;
  concurrency: number;
  /** Registrations started per second; 0 unlimited. */
  registerRate: number;
  catalogItems: number;
  /** Steady keepalive phase, s. */
  durationS: number;
  /** Registrations are not started later than this after the first, s. */
  registerLimitS: number;
  /** Wait between the registration and the steady phase, ms. */
  warmupMs: number;
  expiresS: number;
  responseTimeoutMs: number;
  machine: { cpus: number; node: string; loadBefore: number; loadAfter: number };
}

/** One phase, measured on both sides. */
export interface PhaseMeasure {
  /** Wall time of the phase in the platform process (between its two samples), ms. */
  platformWallMs: number;
  /** CPU time of the platform process in the phase, user + system, ms. */
  platformCpuMs: number;
  /** Its system part (syscalls; on loopback a send also pays for the receiver's kernel path), ms. */
  platformSystemMs: number;
  /** Wall time and CPU time of the load generator (this process) in the phase, ms. */
  generatorWallMs: number;
  generatorCpuMs: number;
  /** The platform's event-loop delay in the phase. */
  eventLoop: EventLoopDelay;
  /** What the platform counted in the phase. */
  platform: GbPlatformCounters;
  /** What the fleet counted in the phase. */
  fleet: FleetCounters;
  /** The platform process's resident memory at the end of the phase, bytes. */
  rssBytes: number;
  /** Devices online (by the platform's events) at the start and the end of the phase. */
  onlineAtStart: number;
  onlineAtEnd: number;
  /** Devices registered at the platform (registeredDevices()) at the end of the phase. */
  registeredAtEnd: number;
  /** Devices online in the store at the end of the phase, when read. */
  onlineInStoreAtEnd: number | null;
  /** `deviceOffline` events in the phase, by reason. */
  offlineEvents: Partial<Record<string, number>>;
}

/** Everything one run measured. */
export interface GbBenchRun {
  setup: GbBenchSetup;
  seed: SeedTiming;
  /** GbPlatform.start (lists the store's devices, binds the port), ms. */
  platformStartMs: number;
  registration: PhaseMeasure & { outcome: RegistrationOutcome };
  steady: PhaseMeasure & { keepaliveLatenciesMs: number[] };
  /** Keepalives stopped: every device times out (`keepaliveMissed` intervals of silence). */
  silence: PhaseMeasure;
  /** Fleet counters over the whole run. */
  fleet: FleetCounters;
  final: PlatformFinal;
  /** Datagrams dropped by full receive buffers during the run; null when unknown. */
  udpDrops: { platform: number | null; generator: number | null };
}

/** Latency summary, ms (NaN fields for no samples). */
export interface LatencyStats {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50 / p95 / p99 / max / mean of `values` (nearest rank), ms. */
export function latencyStats(values: readonly number[]): LatencyStats {
  const n = values.length;
  let max = Number.NaN;
  let sum = 0;
  for (const v of values) {
    if (!(v <= max)) max = v;
    sum += v;
  }
  return { samples: n, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max, mean: n ? sum / n : Number.NaN };
}

/** `after − before`, field by field (nested objects too). */
export function counterDelta<T extends object>(before: T, after: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    const prior = (before as Record<string, unknown>)[key];
    out[key] = typeof value === 'number' ? value - (typeof prior === 'number' ? prior : 0) : value && typeof value === 'object' ? counterDelta((prior ?? {}) as object, value as object) : value;
  }
  return out as T;
}

/** Measure one phase from the platform's samples and the generator's readings at its two ends. */
export function phaseMeasure(
  platform: [PlatformSample, PlatformSample],
  generator: { wallMs: number; cpu: NodeJS.CpuUsage; counters: [FleetCounters, FleetCounters] },
): PhaseMeasure {
  const [p0, p1] = platform;
  return {
    platformWallMs: p1.atMs - p0.atMs,
    platformCpuMs: (p1.cpuUserUs + p1.cpuSystemUs - p0.cpuUserUs - p0.cpuSystemUs) / 1000,
    platformSystemMs: (p1.cpuSystemUs - p0.cpuSystemUs) / 1000,
    generatorWallMs: generator.wallMs,
    generatorCpuMs: (generator.cpu.user + generator.cpu.system) / 1000,
    eventLoop: p1.eventLoop,
    platform: counterDelta(p0.counters, p1.counters),
    fleet: counterDelta(generator.counters[0], generator.counters[1]),
    rssBytes: p1.rssBytes,
    onlineAtStart: p0.online,
    onlineAtEnd: p1.online,
    registeredAtEnd: p1.registered,
    onlineInStoreAtEnd: p1.onlineInStore,
    offlineEvents: counterDelta(p0.offlineEvents, p1.offlineEvents),
  };
}

/** CPU share of one core, %. */
function share(cpuMs: number, wallMs: number): number {
  return wallMs > 0 ? (cpuMs / wallMs) * 100 : Number.NaN;
}

/** Figures derived from a run: rates (per s), CPU shares (% of one core) and costs (µs). */
export interface GbBenchFigures {
  registrationsPerS: number;
  /** Keepalives answered 200 per second of the steady phase, as the fleet saw them. */
  keepalivesAnsweredPerS: number;
  /** What the fleet should send: devices / interval, per s. */
  keepalivesExpectedPerS: number;
  platformCpuRegistrationPct: number;
  platformCpuSteadyPct: number;
  generatorCpuRegistrationPct: number;
  generatorCpuSteadyPct: number;
  /** Platform CPU per keepalive in the steady phase, µs. */
  cpuPerKeepaliveUs: number;
  /**
   * Platform CPU per successful registration, µs: the registration phase's CPU minus its
   * keepalives at the steady phase's cost, over the registrations (includes both REGISTERs,
   * the catalog query and storing the catalog answer).
   */
  cpuPerRegistrationUs: number;
  /** The same at the real keepalive interval (60 s): devices × cost / 60 s, % of one core. */
  platformCpuAtRealIntervalPct: number;
  registrationLatency: LatencyStats;
  keepaliveLatency: LatencyStats;
}

/** Rates, shares and costs of a run. */
export function figures(run: GbBenchRun): GbBenchFigures {
  const { registration: reg, steady, setup } = run;
  const cpuPerKeepaliveUs = steady.platform.keepalives > 0 ? (steady.platformCpuMs * 1000) / steady.platform.keepalives : Number.NaN;
  const keepaliveCpuInRegistrationMs = Number.isFinite(cpuPerKeepaliveUs) ? (reg.platform.keepalives * cpuPerKeepaliveUs) / 1000 : 0;
  return {
    registrationsPerS: reg.outcome.latenciesMs.length / (reg.outcome.elapsedMs / 1000),
    keepalivesAnsweredPerS: steady.fleet.keepalivesAnswered / (steady.generatorWallMs / 1000),
    keepalivesExpectedPerS: setup.devices / (setup.keepaliveIntervalMs / 1000),
    platformCpuRegistrationPct: share(reg.platformCpuMs, reg.platformWallMs),
    platformCpuSteadyPct: share(steady.platformCpuMs, steady.platformWallMs),
    generatorCpuRegistrationPct: share(reg.generatorCpuMs, reg.generatorWallMs),
    generatorCpuSteadyPct: share(steady.generatorCpuMs, steady.generatorWallMs),
    cpuPerKeepaliveUs,
    cpuPerRegistrationUs: reg.platform.registrations > 0 ? ((reg.platformCpuMs - keepaliveCpuInRegistrationMs) * 1000) / reg.platform.registrations : Number.NaN,
    platformCpuAtRealIntervalPct: (setup.devices * cpuPerKeepaliveUs) / 60_000_000 * 100,
    registrationLatency: latencyStats(reg.outcome.latenciesMs),
    keepaliveLatency: latencyStats(steady.keepaliveLatenciesMs),
  };
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const int = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-');

/** A fixed-width text table: first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function describeCounts(counts: Record<string, number | undefined>): string {
  const parts = Object.entries(counts).filter(([, n]) => n);
  return parts.length ? parts.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** The human-readable report: set-up, the phase and latency tables, failures and costs. */
export function formatReport(run: GbBenchRun, f: GbBenchFigures): string {
  const { setup, registration: reg, steady, silence, final } = run;
  const n = setup.devices;
  const end = final.sample;
  const phaseRow = (name: string, phase: PhaseMeasure, platformPct: number, generatorPct: number, throughput: string) => [
    name,
    fixed(phase.platformWallMs / 1000),
    fixed(platformPct),
    fixed(generatorPct),
    fixed(phase.eventLoop.p99Ms),
    fixed(phase.eventLoop.maxMs),
    throughput,
  ];
  const silenceTimeouts = silence.offlineEvents['keepalive-timeout'] ?? 0;
  const phaseRows = [
    phaseRow('registration', reg, f.platformCpuRegistrationPct, f.generatorCpuRegistrationPct, `${int(f.registrationsPerS)} registrations/s (+${int(reg.platform.keepalives)} keepalives)`),
    phaseRow('steady keepalive', steady, f.platformCpuSteadyPct, f.generatorCpuSteadyPct, `${int(f.keepalivesAnsweredPerS)} keepalives/s answered (of ${int(f.keepalivesExpectedPerS)}/s sent)`),
    phaseRow('keepalives stopped', silence, share(silence.platformCpuMs, silence.platformWallMs), share(silence.generatorCpuMs, silence.generatorWallMs), `${int(silenceTimeouts)} devices timed out (watchdog)`),
  ];
  const latencyRow = (name: string, s: LatencyStats) => [name, int(s.samples), fixed(s.p50), fixed(s.p95), fixed(s.p99), fixed(s.max)];
  const fleet = run.fleet;
  const drops = (d: number | null) => (d === null ? 'unknown' : String(d));
  return [
    `Argus GB/T 28181 signalling on loopback: ${n} devices over ${setup.sockets} UDP sockets, keepalive "60 s" at time scale ${setup.timeScale} = ${setup.keepaliveIntervalMs} ms, ` +
      `${setup.concurrency} registrations at once${setup.registerRate ? ` (at most ${setup.registerRate}/s)` : ''}, ${setup.catalogItems} catalog item(s) per device`,
    '',
    formatTable(['phase', 'wall s', 'platform CPU %', 'load gen CPU %', 'platform loop p99 ms', 'loop max ms', 'throughput'], phaseRows),
    '',
    formatTable(['latency', 'samples', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], [
      latencyRow('registration (first REGISTER to 200)', f.registrationLatency),
      latencyRow('keepalive (MESSAGE to 200), steady', f.keepaliveLatency),
    ]),
    '',
    `registration: ${reg.outcome.latenciesMs.length}/${n} registered in ${fixed(reg.outcome.elapsedMs / 1000, 2)} s; given up: ${describeCounts(reg.outcome.failures)}; ` +
      `${fleet.registerRetransmits} REGISTER retransmissions, ${fleet.challenges} challenges (401)`,
    `steady keepalives (${fixed(steady.generatorWallMs / 1000)} s): ${steady.fleet.keepalivesSent} sent, ${steady.fleet.keepalivesAnswered} answered 200, ${steady.fleet.keepalivesRefused} refused; ` +
      `whole run: ${fleet.keepalivesTimedOut} of ${fleet.keepalivesSent} unanswered after ${setup.responseTimeoutMs} ms`,
    `catalog: ${fleet.catalogQueries} queries answered 200, ${fleet.catalogMessagesAnswered}/${fleet.catalogMessagesSent} Response messages answered (${fleet.catalogMessagesTimedOut} unanswered); ` +
      `platform applied ${end.catalogUpdates} catalogs, created ${end.channelsCreated} channels`,
    `devices at the end of the steady phase: ${steady.registeredAtEnd}/${n} registered (registeredDevices()), ${steady.onlineInStoreAtEnd ?? '-'}/${n} online in the store ` +
      `(${steady.onlineAtEnd} by the platform's online/offline events); ` +
      `${n - end.everOnline} never online; offline events in the steady phase: ${describeCounts(steady.offlineEvents)}, whole run: ${describeCounts(end.offlineEvents)}`,
    `platform refusals: ${end.counters.forbidden} (403), ${end.counters.authFailures} digest failures, ${end.counters.transport.handlerErrors} handler errors, ${end.counters.transport.rejected} unparseable; ` +
      `UDP receive-buffer drops: platform socket ${drops(run.udpDrops.platform)}, load generator sockets ${drops(run.udpDrops.generator)}`,
    `platform cost: ${fixed(f.cpuPerKeepaliveUs, 0)} µs CPU per keepalive, ~${fixed(f.cpuPerRegistrationUs, 0)} µs per registration (both REGISTERs, catalog query and answer, retransmissions); ` +
      `at the real 60 s interval ${n} devices would keep ${fixed(f.platformCpuAtRealIntervalPct, 1)} % of a core busy; RSS ${fixed(steady.rssBytes / 2 ** 20, 0)} MiB`,
    `set-up: ${n} devices stored through the store API in ${fixed(run.seed.devicesMs / 1000, 2)} s; GbPlatform.start ${fixed(run.platformStartMs, 0)} ms, close ${fixed(final.closeMs, 0)} ms; ` +
      `machine: ${setup.machine.cpus} CPUs, node ${setup.machine.node}, 1-min load average ${fixed(setup.machine.loadBefore)} before, ${fixed(setup.machine.loadAfter)} after`,
  ].join('\n');
}

/** The JSON written to bench/output/gb28181.json: set-up, figures, phases, counters, registration latencies. */
export function resultsJson(run: GbBenchRun, f: GbBenchFigures): unknown {
  const { steady, registration, ...rest } = run;
  const { keepaliveLatenciesMs, ...steadyRest } = steady;
  const { outcome, ...registrationRest } = registration;
  return {
    finishedAt: new Date().toISOString(),
    definitions: {
      registrationLatency: 'first REGISTER sent (performance.now in the load generator) to its final 200 received, through the 401 challenge and any retransmissions, ms',
      keepaliveLatency: 'keepalive MESSAGE sent to its 200 received, for keepalives sent during the steady phase, ms',
      cpuShare: 'process.cpuUsage (user + system) over wall time of the phase, % of one core',
    },
    figures: f,
    ...rest,
    registration: { ...registrationRest, outcome: { ...outcome, latenciesMs: undefined }, latencySamplesMs: outcome.latenciesMs.map((v) => Math.round(v * 100) / 100) },
    steady: { ...steadyRest, keepaliveLatencySamples: keepaliveLatenciesMs.length },
  };
}
