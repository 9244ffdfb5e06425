import type { ServerResponse } from 'node:http';
import { alertQuery, channelAnalyticsInput, cosine, faceEnrolInput, signInQuery, type FaceEnrolResult } from '@argus/shared';
import { actorOf, type Principal } from '../../auth/principal.js';
import { inScope, scopeIds } from '../../scope/scopeRules.js';
import { AnalyticsUnavailableError, type AnalyticsService } from '../../analytics/analyticsService.js';
import { judgeEnrolPhoto } from '../../analytics/enrolPhoto.js';
import { localDay } from '../../analytics/localDay.js';
import type { FaceTemplateInput } from '../../store/store.js';
import { ApiError } from './apiError.js';
import { HANDLED, noContent, type ApiDeps, type ApiRouteTable } from './apiRouter.js';

/** Largest enrolment request: 5 photos of 8 MiB as base64, with room for JSON, bytes. */
const ENROL_BODY_BYTES = 5 * 11_300_000;

function sendJpeg(res: ServerResponse, jpeg: Uint8Array): typeof HANDLED {
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length, 'cache-control': 'private, no-store' });
  res.end(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.length));
  return HANDLED;
}

const positiveId = (value: string | undefined, what: string): number => {
  const id = /^[1-9]\d{0,15}$/.test(value ?? '') ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw new ApiError('not-found', `${what} ${value} not found`);
  return id;
};

/** The highest cosine similarity of `descriptor` to any of `templates` (-1 when there are none). */
function bestSimilarity(descriptor: Float32Array, templates: ReadonlyArray<{ descriptor: Float32Array }>): number {
  return templates.reduce((best, template) => Math.max(best, cosine(descriptor, template.descriptor)), -1);
}

/**
 * Analytics routes: face enrolment of supervised persons (supervisors of the person's area),
 * cameras' sign-in points and behaviour rules, sign-ins and alerts with their snapshots. Every
 * read of personal data (templates, sign-ins, any snapshot) is audited; everything is limited to
 * the user's area (the person's org unit for faces and sign-ins, the camera's for the rest).
 */
export function addAnalyticsRoutes(api: ApiRouteTable, deps: ApiDeps): void {
  const { store, catalog } = deps;
  const analytics = (): AnalyticsService => {
    if (!deps.analytics) throw new ApiError('unavailable', 'analytics is not enabled on this server');
    return deps.analytics;
  };
  const person = async (principal: Principal, id: string) => {
    const found = await store.persons.get(id);
    if (!found || !inScope(catalog.tree, principal, found.orgUnitId)) throw new ApiError('not-found', `person ${id} not found`);
    return found;
  };
  const channel = async (principal: Principal, id: string) => {
    const found = await store.channels.get(id);
    if (!found || !inScope(catalog.tree, principal, found.orgUnitId)) throw new ApiError('not-found', `channel ${id} not found`);
    return found;
  };
  const auditRead = (principal: Principal, action: 'faces.read' | 'signins.read' | 'snapshot.read', targetType: string, targetId: string | null, orgUnitId: string, detail: Record<string, unknown>) =>
    store.audit.append({ at: Date.now(), ...actorOf(principal), action, targetType, targetId, orgUnitId, detail });

  // ---- face templates -------------------------------------------------------------------
  api.route('GET', '/api/persons/:id/faces', { permission: 'persons.manage' }, async ({ principal, params }) => {
    const p = await person(principal, params.id ?? '');
    const templates = await store.faceTemplates.listForPerson(p.id);
    await auditRead(principal, 'faces.read', 'person', p.id, p.orgUnitId, { count: templates.length });
    return { templates };
  });

  api.route('POST', '/api/persons/:id/faces', { permission: 'persons.manage', body: faceEnrolInput, maxBodyBytes: ENROL_BODY_BYTES }, async ({ principal, params, body }) => {
    const p = await person(principal, params.id ?? '');
    const service = analytics();
    const result: FaceEnrolResult = { enrolled: [], rejected: [] };
    const accepted: FaceTemplateInput[] = [];
    // Other persons' templates: a face already enrolled for someone else would sign them in too.
    const others = (await store.faceTemplates.allDescriptors()).filter((entry) => entry.personId !== p.id);
    for (const [index, photo] of body.photos.entries()) {
      const named = photo.name !== undefined ? { name: photo.name } : {};
      const bytes = Buffer.from(photo.data, 'base64');
      if (bytes.length < 16) {
        result.rejected.push({ index, ...named, reason: 'unreadable', message: 'not base64 picture data' });
        continue;
      }
      let described;
      try {
        described = await service.describe(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      } catch (error) {
        if (error instanceof AnalyticsUnavailableError) throw new ApiError('unavailable', error.message);
        result.rejected.push({ index, ...named, reason: 'unreadable', message: (error as Error).message.slice(0, 200) });
        continue;
      }
      const judgement = judgeEnrolPhoto(described.faces, deps.analyticsConfig.minFaceWidthPx);
      if (!judgement.ok) {
        result.rejected.push({ index, ...named, reason: judgement.reason, message: judgement.message });
        continue;
      }
      const clash = bestSimilarity(judgement.face.descriptor, others);
      if (clash >= deps.analyticsConfig.matchThreshold) {
        result.rejected.push({ index, ...named, reason: 'matches-other-person', message: `the face matches another enrolled person (similarity ${clash.toFixed(2)})` });
        continue;
      }
      accepted.push({
        personId: p.id,
        descriptor: judgement.face.descriptor,
        photo: deps.analyticsConfig.storePhotos ? new Uint8Array(bytes) : null,
        faceWidthPx: judgement.face.box[2],
        score: judgement.face.score,
      });
    }
    if (accepted.length > 0) {
      result.enrolled = await store.faceTemplates.add(accepted, actorOf(principal));
      service.enrolled(p.id, accepted.map((template) => template.descriptor));
    }
    return result;
  });

  api.route('DELETE', '/api/persons/:id/faces/:templateId', { permission: 'persons.manage' }, async ({ principal, params }) => {
    const p = await person(principal, params.id ?? '');
    await store.faceTemplates.delete(p.id, params.templateId ?? '', actorOf(principal));
    await deps.analytics?.personChanged(p.id);
    return noContent();
  });

  api.route('GET', '/api/persons/:id/faces/:templateId/photo', { permission: 'persons.manage' }, async ({ principal, params, res }) => {
    const p = await person(principal, params.id ?? '');
    const photo = await store.faceTemplates.photo(p.id, params.templateId ?? '');
    if (!photo) throw new ApiError('not-found', 'no photo is kept for this template');
    await auditRead(principal, 'snapshot.read', 'person', p.id, p.orgUnitId, { templateId: params.templateId });
    return sendJpeg(res, photo);
  });

  // ---- camera settings ------------------------------------------------------------------
  api.route('GET', '/api/channels/:id/analytics', { permission: 'analytics.configure' }, async ({ principal, params }) => {
    const c = await channel(principal, params.id ?? '');
    return (await store.channelAnalytics.get(c.id)) ?? { channelId: c.id, signIn: false, rules: [], updatedAt: 0 };
  });

  api.route('PUT', '/api/channels/:id/analytics', { permission: 'analytics.configure', body: channelAnalyticsInput }, async ({ principal, params, body }) => {
    const c = await channel(principal, params.id ?? '');
    const saved = await store.channelAnalytics.set(c.id, body, actorOf(principal));
    await deps.analytics?.reloadChannel(c.id);
    return saved;
  });

  // ---- sign-ins -------------------------------------------------------------------------
  api.route('GET', '/api/sign-ins', { permission: 'signins.read', query: signInQuery }, async ({ principal, query }) => {
    const day = query.day ?? localDay(Date.now(), deps.analyticsConfig.timeZone);
    const signIns = await store.signIns.list({ day, orgUnitIds: scopeIds(catalog.tree, principal), limit: query.limit });
    await auditRead(principal, 'signins.read', 'sign-in', null, principal.user.orgUnitId, { day, count: signIns.length, persons: [...new Set(signIns.map((s) => s.personId))].slice(0, 500) });
    return { signIns };
  });

  api.route('GET', '/api/sign-ins/:id/snapshot', { permission: 'signins.read' }, async ({ principal, params, res }) => {
    const id = positiveId(params.id, 'sign-in');
    const record = await store.signIns.get(id);
    if (!record || !inScope(catalog.tree, principal, record.orgUnitId)) throw new ApiError('not-found', `sign-in ${id} not found`);
    const snapshot = await store.signIns.snapshot(id);
    if (!snapshot) throw new ApiError('not-found', 'the snapshot was deleted by retention');
    await auditRead(principal, 'snapshot.read', 'sign-in', String(id), record.orgUnitId, { personId: record.personId });
    return sendJpeg(res, snapshot);
  });

  // ---- alerts ---------------------------------------------------------------------------
  const alertInScope = async (principal: Principal, value: string | undefined) => {
    const id = positiveId(value, 'alert');
    const alert = await store.alerts.get(id);
    if (!alert || !inScope(catalog.tree, principal, alert.orgUnitId)) throw new ApiError('not-found', `alert ${id} not found`);
    return alert;
  };

  api.route('GET', '/api/alerts', { permission: 'alerts.handle', query: alertQuery }, async ({ principal, query }) => {
    const open = query.open === undefined ? {} : { open: query.open === 'true' };
    return { alerts: await store.alerts.list({ ...open, orgUnitIds: scopeIds(catalog.tree, principal), limit: query.limit }) };
  });

  api.route('GET', '/api/alerts/:id/snapshot', { permission: 'alerts.handle' }, async ({ principal, params, res }) => {
    const alert = await alertInScope(principal, params.id);
    const snapshot = await store.alerts.snapshot(alert.id);
    if (!snapshot) throw new ApiError('not-found', 'the snapshot was deleted by retention');
    await auditRead(principal, 'snapshot.read', 'alert', String(alert.id), alert.orgUnitId, { channelId: alert.channelId });
    return sendJpeg(res, snapshot);
  });

  api.route('POST', '/api/alerts/:id/ack', { permission: 'alerts.handle' }, async ({ principal, params }) => {
    const alert = await alertInScope(principal, params.id);
    const wasOpen = alert.acknowledgedAt === null;
    const acknowledged = await store.alerts.acknowledge(alert.id, actorOf(principal));
    if (wasOpen) await deps.analytics?.acknowledged(acknowledged);
    return acknowledged;
  });

  api.route('GET', '/api/analytics/status', { permission: 'alerts.handle' }, async ({ principal }) => {
    if (!deps.analytics) return { enabled: false, workers: [], cameras: [], galleryTemplates: 0, alertsSuppressed: 0 };
    // Only the cameras of the caller's area, and no process ids.
    const status = deps.analytics.status();
    const visible = new Set((await store.channels.list()).filter((c) => inScope(catalog.tree, principal, c.orgUnitId)).map((c) => c.id));
    return {
      ...status,
      workers: status.workers.map((worker) => ({ ...worker, pid: null, cameras: worker.cameras.filter((id) => visible.has(id)) })),
      cameras: status.cameras.filter((camera) => visible.has(camera.channelId)),
    };
  });
}
