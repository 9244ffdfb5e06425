import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isConsumable, type CameraSummary } from '@argus/shared';
import { readInboundVideo, tileStatsBetween, type InboundVideoSample, type TileStats } from '../consumerStats.js';
import type { TileConsumer, WallClient } from '../wallClient.js';
import { usePictureRect } from './analytics/usePictureRect.js';
import { PtzPad } from './PtzPad.js';

/** A playing tile that presents no new frame for this long shows "signal lost" instead of a frozen picture, ms. */
export const FROZEN_AFTER_MS = 3000;
/**
 * How long a new or resumed consumer may wait for its first frame, ms. The SFU asks for a
 * keyframe at once, but a passed-through camera only sends one at its next GOP boundary.
 */
export const FIRST_FRAME_TIMEOUT_MS = 12_000;
const STATS_INTERVAL_MS = 1000;

interface TileProps {
  client: WallClient;
  /** Signalling session; consumers of an older session are dead and are replaced. */
  session: number;
  index: number;
  /** The camera assigned to this tile, or null for an empty tile. */
  camera: CameraSummary | null;
  /** On screen (inside the layout, not hidden by a maximised tile, page visible). */
  visible: boolean;
  selected: boolean;
  onSelect: () => void;
  onToggleMaximise: () => void;
  /** Test hook of the tile (default `tile-${index}`); its stats are `${testId}-stats` when given. */
  testId?: string;
  /**
   * Drawn exactly over the camera's picture (the video is letterboxed): an SVG with
   * `viewBox="0 0 1 1"` there puts picture fractions (zone points) where they belong.
   */
  overlay?: ReactNode;
  /** Opens the camera's analytics rules; offered (分析规则) on the selected tile when given. */
  onEditRules?: () => void;
}

type VideoFrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * One tile of the wall: consumes its camera's current video producer, pauses the consumer
 * while hidden, and shows name, state and live stats (resolution, fps, kbit/s). A camera that
 * is lost, or a stream that stops producing frames, shows "信号丢失" — never a frozen frame —
 * and the tile recovers by itself when the camera's new producer appears.
 *
 * Test hooks: `data-testid="tile-N"`, `data-camera-id`, `data-view` (empty | connecting | playing | lost),
 * and on the <video> `data-frames`, the count of frames presented.
 */
export function Tile({ client, session, index, camera, visible, selected, onSelect, onToggleMaximise, testId, overlay, onEditRules }: TileProps) {
  const { t } = useTranslation();
  const videoRef = useRef<VideoFrameCallbackVideo>(null);
  const [tileConsumer, setTileConsumer] = useState<TileConsumer | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** waiting: no frame since the consumer started or resumed; playing: frames arrive; frozen: they stopped. */
  const [phase, setPhase] = useState<'waiting' | 'playing' | 'frozen'>('waiting');
  const [stats, setStats] = useState<TileStats | null>(null);
  const picture = usePictureRect(videoRef, overlay !== undefined);
  const cameraRef = useRef(camera);
  cameraRef.current = camera;

  const cameraId = camera?.id ?? null;
  const liveProducerId = camera?.state === 'live' ? camera.videoProducerId : null;
  const consumable = camera ? isConsumable(camera.state) : false;
  /** Bumped to (re)consume; 0: consume nothing. */
  const [request, setRequest] = useState(0);
  const inFlight = useRef(false);
  const requestedFor = useRef<{ cameraId: string | null; session: number }>({ cameraId: null, session });

  // Decide when to consume: a camera that is live or idle (on demand: consuming starts it) and no
  // consumer yet, a new producer (re-ingest), another camera, or a new signalling session. An
  // on-demand camera goes connecting → live while its first consume is in flight: that is not a
  // reason to consume again.
  useEffect(() => {
    const previous = requestedFor.current;
    if (!cameraId) {
      requestedFor.current = { cameraId: null, session };
      setRequest(0);
      return;
    }
    const switched = previous.cameraId !== cameraId || previous.session !== session;
    if (switched) {
      requestedFor.current = { cameraId, session };
      inFlight.current = false;
      setRequest((r) => r + 1);
      return;
    }
    if (inFlight.current) return;
    const stale = tileConsumer !== null && liveProducerId !== null && tileConsumer.consumer.producerId !== liveProducerId;
    if (stale || (tileConsumer === null && consumable)) setRequest((r) => r + 1);
  }, [cameraId, session, consumable, liveProducerId, tileConsumer]);

  // Consume the camera; the consumer lives until the next request, a switch, or unmount.
  useEffect(() => {
    setTileConsumer(null);
    setPhase('waiting');
    setStats(null);
    setError(null);
    const id = requestedFor.current.cameraId;
    const wanted = cameraRef.current;
    if (request === 0 || !id || !wanted || !isConsumable(wanted.state)) return;
    let cancelled = false;
    let current: TileConsumer | null = null;
    inFlight.current = true;
    client
      .consume(id)
      .then((consumed) => {
        if (cancelled) return consumed.close();
        inFlight.current = false;
        current = consumed;
        const video = videoRef.current;
        if (video) video.srcObject = new MediaStream([consumed.track]);
        setTileConsumer(consumed);
      })
      .catch((e: Error) => {
        if (cancelled) return;
        inFlight.current = false;
        setError(e.message);
      });
    return () => {
      cancelled = true;
      inFlight.current = false;
      current?.close();
      const video = videoRef.current;
      if (video) video.srcObject = null;
    };
  }, [client, request]);

  // The SFU closed our consumer (its producer went away): drop it until a new producer appears.
  useEffect(() => {
    if (!tileConsumer) return;
    return client.on('consumerClosed', (consumerId) => {
      if (consumerId === tileConsumer.consumer.id) {
        tileConsumer.close();
        setTileConsumer(null);
      }
    });
  }, [client, tileConsumer]);

  // Paused while not visible; resuming asks the camera for a keyframe.
  useEffect(() => {
    if (!tileConsumer) return;
    tileConsumer.setPaused(!visible).catch(() => undefined /* consumer closed meanwhile */);
  }, [tileConsumer, visible]);

  // While visible: count presented frames and tell waiting, playing and frozen apart.
  useEffect(() => {
    const video = videoRef.current;
    if (!tileConsumer || !video || !visible) return;
    let frames = 0;
    let handle = 0;
    let current: 'waiting' | 'playing' | 'frozen' = 'waiting';
    const since = performance.now();
    let lastFrameAt = 0;
    const enter = (next: typeof current) => {
      if (next !== current) setPhase((current = next));
    };
    setPhase('waiting');
    const onFrame = () => {
      frames++;
      video.dataset.frames = String(frames);
      lastFrameAt = performance.now();
      enter('playing');
      handle = video.requestVideoFrameCallback?.(onFrame) ?? 0;
    };
    handle = video.requestVideoFrameCallback?.(onFrame) ?? 0;
    const watchdog = window.setInterval(() => {
      const now = performance.now();
      if (current === 'playing' && now - lastFrameAt > FROZEN_AFTER_MS) enter('frozen');
      if (current === 'waiting' && now - since > FIRST_FRAME_TIMEOUT_MS) enter('frozen');
    }, 500);
    return () => {
      video.cancelVideoFrameCallback?.(handle);
      window.clearInterval(watchdog);
      video.dataset.frames = '0';
    };
  }, [tileConsumer, visible]);

  // Resolution, fps and bitrate from the consumer's inbound-rtp stats.
  useEffect(() => {
    if (!tileConsumer || !visible) return;
    let previous: InboundVideoSample | null = null;
    const timer = window.setInterval(() => {
      tileConsumer.consumer
        .getStats()
        .then((report) => {
          const sample = readInboundVideo(report);
          if (sample && previous) setStats(tileStatsBetween(previous, sample));
          previous = sample;
        })
        .catch(() => undefined);
    }, STATS_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, [tileConsumer, visible]);

  const view: 'empty' | 'connecting' | 'playing' | 'lost' = !camera
    ? 'empty'
    : camera.state === 'lost' || phase === 'frozen'
      ? 'lost'
      : tileConsumer && phase === 'playing'
        ? 'playing'
        : 'connecting';

  return (
    <div
      className={`tile tile--${view}${selected ? ' tile--selected' : ''}`}
      data-testid={testId ?? `tile-${index}`}
      data-camera-id={cameraId ?? ''}
      data-view={view}
      onClick={onSelect}
      onDoubleClick={onToggleMaximise}
      title={t('tile.maximiseHint')}
    >
      <video ref={videoRef} className="tile__video" muted autoPlay playsInline data-frames="0" />
      {view === 'empty' && (
        <div className="tile__placeholder">
          <div>{t('tile.empty')}</div>
          <div className="tile__hint">{t('tile.emptyHint')}</div>
        </div>
      )}
      {/* Opaque covers: the video stays composited underneath so frame callbacks keep firing. */}
      {view === 'lost' && <div className="tile__placeholder tile__placeholder--lost">{t('tile.noSignal')}</div>}
      {view === 'connecting' && <div className="tile__placeholder">{error ? t('tile.error', { message: error }) : t('tile.connecting')}</div>}
      {camera && (
        <div className="tile__caption">
          <span className={`dot dot--${view === 'lost' ? 'lost' : camera.state}`} />
          <span className="tile__name">{camera.name}</span>
          <span className="tile__state">{t(`state.${view === 'lost' ? 'lost' : camera.state}`)}</span>
        </div>
      )}
      {view === 'playing' && stats && (
        <div className="tile__stats" data-testid={testId ? `${testId}-stats` : `tile-stats-${index}`}>
          {stats.width && stats.height ? <span>{t('stats.resolution', { width: stats.width, height: stats.height })}</span> : null}
          <span>{t('stats.fps', { fps: stats.fps })}</span>
          <span>{t('stats.bitrate', { kbps: stats.kbps })}</span>
          {camera?.videoPath ? <span>{t(`path.${camera.videoPath}`)}</span> : null}
        </div>
      )}
      {overlay !== undefined && picture && (
        <div className="tile__overlay" style={{ left: picture.left, top: picture.top, width: picture.width, height: picture.height }}>
          {overlay}
        </div>
      )}
      {camera && selected && onEditRules && (
        <button
          type="button"
          className="tile__rules"
          data-testid="tile-edit-rules"
          onClick={(e) => {
            e.stopPropagation();
            onEditRules();
          }}
          onDoubleClick={(e) => e.stopPropagation()}
        >
          {t('rules.open')}
        </button>
      )}
      {camera?.ptz && selected && view === 'playing' && <PtzPad send={(command) => client.ptz(camera.id, command)} />}
    </div>
  );
}
