import { describe, expect, it } from 'vitest';
import { centreCreate, channelCreate, describeIssues, deviceCreate, orgUnitCreate, orgUnitUpdate, passwordChange, personCreate, userCreate } from '@argus/shared';
import { fieldErrors, formErrorsFromIssues, formErrorsFromMessage, hasFormErrors, validateBody, validationMessageKey } from '../../desktop/src/renderer/api/formErrors.js';

describe('form errors', () => {
  it('splits a server message worded like describeIssues into fields', () => {
    const errors = formErrorsFromMessage('name: must not be empty; source.url: must be an rtsp:// URL; roles[0]: Invalid option');
    expect(errors.fields).toEqual({ name: ['must not be empty'], 'source.url': ['must be an rtsp:// URL'], 'roles[0]': ['Invalid option'] });
    expect(errors.general).toEqual([]);
    expect(fieldErrors(errors, 'source')).toEqual(['must be an rtsp:// URL']);
    expect(fieldErrors(errors, 'roles')).toEqual(['Invalid option']);
    expect(fieldErrors(errors, 'id')).toEqual([]);
  });

  it('keeps a message of any other shape whole, and (root) problems as general', () => {
    expect(formErrorsFromMessage('unknown device d9')).toEqual({ fields: {}, general: ['unknown device d9'] });
    expect(formErrorsFromMessage('(root): Unrecognized key: "extra"')).toEqual({ fields: {}, general: ['Unrecognized key: "extra"'] });
    expect(hasFormErrors(formErrorsFromMessage('x'))).toBe(true);
    expect(hasFormErrors({ fields: {}, general: [] })).toBe(false);
  });

  it('reads the same fields from a server message as from the schema the wall checks first', () => {
    const result = userCreate.safeParse({ username: 'a', displayName: ' ', orgUnitId: '37', roles: [], password: 'short' });
    expect(result.success).toBe(false);
    const fromIssues = formErrorsFromIssues(result.error!.issues);
    expect(formErrorsFromMessage(describeIssues(result.error!))).toEqual(fromIssues);
    expect(Object.keys(fromIssues.fields).sort()).toEqual(['displayName', 'orgUnitId', 'password', 'roles', 'username']);
  });

  it('validates a body with the shared schema before sending, applying defaults', () => {
    const ok = validateBody(channelCreate, { id: 'ch1', deviceId: 'd1', name: ' 东门 ', source: { type: 'webrtc' } });
    expect(ok).toEqual({ ok: true, data: { id: 'ch1', deviceId: 'd1', name: '东门', source: { type: 'webrtc' }, ptz: false, enabled: true } });
    const bad = validateBody(channelCreate, { id: 'ch1', deviceId: 'd1', name: 'x', source: { type: 'rtsp', url: 'rtsp://admin:pw@10.0.0.1/s' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors.fields)).toEqual(['source.url']);
  });

  it('has a translation for every fixed message of the API schemas', () => {
    const problems = [
      orgUnitCreate.safeParse({ id: '1', parentId: '370000', level: 'city', name: ' ' }),
      centreCreate.safeParse({ id: 'bad id!', orgUnitId: '370000', name: 'x' }),
      deviceCreate.safeParse({ id: 'd', orgUnitId: '370000', kind: 'gb28181', name: 'x', gbDeviceId: '123' }),
      channelCreate.safeParse({ id: 'c', deviceId: 'd', name: 'x', source: { type: 'rtsp', url: 'http://x' } }),
      userCreate.safeParse({ username: 'a', displayName: 'x', orgUnitId: '370000', roles: [], password: 'short' }),
      userCreate.safeParse({ username: 'abc', displayName: 'x\u202e', orgUnitId: '370000', roles: ['admin', 'operator'], password: '0123456789' }),
      orgUnitUpdate.safeParse({ name: 'a\u0007b' }),
      passwordChange.safeParse({ currentPassword: 'x', newPassword: 'short' }),
      personCreate.safeParse({ id: 'p', name: 'x', caseNumber: 'c', orgUnitId: '370000', supervisionStart: '2024/1/1', supervisionEnd: '2025-01-01' }),
    ].flatMap((r) => r.error?.issues ?? []);
    expect(problems.length).toBeGreaterThanOrEqual(13);
    for (const issue of problems) expect(validationMessageKey(issue.message), issue.message).not.toBeNull();
    expect(validationMessageKey('something new')).toBeNull();
  });
});
