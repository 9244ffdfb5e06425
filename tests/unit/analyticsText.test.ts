import { beforeAll, describe, expect, it } from 'vitest';
import { BEHAVIOUR_RULE_KINDS, ENROL_REJECTIONS } from '@argus/shared';
import { ApiError, apiErrorFromResponse } from '../../desktop/src/renderer/api/apiError.js';
import { validationMessageKey } from '../../desktop/src/renderer/api/formErrors.js';
import { describeAlertDetail } from '../../desktop/src/renderer/components/analytics/alertText.js';
import { describeApiError, type Translate } from '../../desktop/src/renderer/components/apiErrorText.js';
import { wallTranslators } from '../support/translators.js';
import { availableViews } from '../../desktop/src/renderer/views.js';
import { permissionsOf } from '@argus/shared';

let zh: Translate;
let english: Translate;

beforeAll(async () => {
  ({ zh, english } = await wallTranslators());
});

describe('analytics in both languages', () => {
  it('translates every enrolment refusal', () => {
    expect(ENROL_REJECTIONS.map((reason) => zh(`faces.reasons.${reason}`))).toEqual(['无法读取', '未检测到人脸', '检测到多张人脸', '人脸过小', '与其他人员的人脸相同']);
    for (const reason of ENROL_REJECTIONS) expect(english(`faces.reasons.${reason}`)).not.toBe(`faces.reasons.${reason}`);
  });

  it('names every rule kind', () => {
    expect(BEHAVIOUR_RULE_KINDS.map((kind) => zh(`ruleKinds.${kind}`))).toEqual(['区域入侵', '徘徊', '跌倒', '人员聚集']);
    expect(BEHAVIOUR_RULE_KINDS.map((kind) => english(`ruleKinds.${kind}`))).toEqual(['Intrusion', 'Loitering', 'Fall', 'Crowding']);
  });

  it('says plainly that the analytics service is not running on a 503 unavailable', () => {
    const error = apiErrorFromResponse(503, { error: { code: 'unavailable', message: 'no analytics worker is running' } }, null);
    expect(error.code).toBe('unavailable');
    expect(describeApiError(zh, error)).toBe('分析服务未运行');
    expect(describeApiError(english, error)).toBe('The analytics service is not running');
    // A proxy's bare 503 (no API body) still means the server is out of reach.
    expect(apiErrorFromResponse(503, null, null).code).toBe('unreachable');
    expect(describeApiError(zh, new ApiError('unavailable', 503, 'x'))).toBe('分析服务未运行');
  });

  it('translates the analytics schema messages', () => {
    for (const message of ['a zone needs at least 3 points', 'must be 1-32 characters of A-Z a-z 0-9 _ -', 'send 1 to 5 photos', 'a photo may be at most 8 MiB']) {
      const key = validationMessageKey(message);
      expect(key, message).not.toBeNull();
      expect(zh(key!)).not.toBe(key);
      expect(english(key!)).not.toBe(key);
    }
    expect(zh(validationMessageKey('a zone needs at least 3 points')!)).toBe('区域至少需要 3 个点');
  });

  it('words an alert’s details', () => {
    expect(describeAlertDetail(zh, { people: 6 })).toBe('人数 6');
    expect(describeAlertDetail(zh, { dwellS: 41.26 })).toBe('停留 41.3 秒');
    expect(describeAlertDetail(english, { holdS: 2, track: 17 })).toBe('down for 2 s, track=17');
    expect(describeAlertDetail(zh, {})).toBe('');
  });

  it('opens 人员管理 to supervisors only', () => {
    expect(availableViews(permissionsOf(['supervisor']))).toEqual(['wall', 'persons']);
    expect(availableViews(permissionsOf(['operator']))).toEqual(['wall']);
    expect(zh('views.persons')).toBe('人员管理');
    expect(english('views.persons')).toBe('Supervised persons');
  });
});
