import { describe, expect, it } from 'vitest';
import { channelAnalyticsInput, RULE_DEFAULTS, type BehaviourRule } from '@argus/shared';
import { fieldErrors, formErrorsFromMessage, validateBody } from '../../desktop/src/renderer/api/formErrors.js';
import { analyticsBodyOf, analyticsFormOf, newRuleForm, nextRuleId, ruleFormOf, ruleInputOf, rulePath } from '../../desktop/src/renderer/analytics/ruleForm.js';

const triangle: Array<[number, number]> = [
  [0.1, 0.2],
  [0.8, 0.25],
  [0.5, 0.9],
];

describe('rule form', () => {
  it('numbers new rules rule-1, rule-2, … skipping ids in use, with the defaults filled in', () => {
    expect(nextRuleId([])).toBe('rule-1');
    expect(nextRuleId([{ id: 'rule-1' }, { id: 'rule-3' }])).toBe('rule-2');
    const rule = newRuleForm('loitering', '徘徊', [{ id: 'rule-1' }]);
    expect(rule).toMatchObject({ id: 'rule-2', kind: 'loitering', name: '徘徊', enabled: true, zone: [], dwellS: '30', holdS: '2', minPeople: '5', cooldownS: '30' });
  });

  it('sends only the parameters of the rule’s kind, and leaves empty ones to the server’s default', () => {
    const base = { ...newRuleForm('crowding', '聚集', []), zone: triangle, dwellS: '99', holdS: '9', minPeople: '8', cooldownS: '' };
    expect(ruleInputOf(base)).toEqual({ id: 'rule-1', kind: 'crowding', name: '聚集', zone: triangle, enabled: true, minPeople: 8 });
    expect(ruleInputOf({ ...base, kind: 'loitering', cooldownS: '60' })).toEqual({ id: 'rule-1', kind: 'loitering', name: '聚集', zone: triangle, enabled: true, dwellS: 99, cooldownS: 60 });
    expect(ruleInputOf({ ...base, kind: 'fall' })).toMatchObject({ holdS: 9 });
    expect(ruleInputOf({ ...base, kind: 'intrusion', name: '  禁区  ' })).toEqual({ id: 'rule-1', kind: 'intrusion', name: '禁区', zone: triangle, enabled: true });
  });

  it('round-trips a stored rule through the form to the same rule', () => {
    const stored: BehaviourRule = { id: 'gate', kind: 'fall', name: '门口跌倒', zone: triangle, enabled: false, holdS: 3.5, cooldownS: 120 };
    const form = ruleFormOf(stored);
    expect(form.holdS).toBe('3.5');
    expect(form.dwellS).toBe(String(RULE_DEFAULTS.dwellS));
    const body = analyticsBodyOf({ signIn: true, rules: [form] });
    const parsed = channelAnalyticsInput.parse(body);
    expect(parsed).toEqual({ signIn: true, rules: [stored] });
  });

  it('starts from nothing for a camera never configured', () => {
    expect(analyticsFormOf(null)).toEqual({ signIn: false, rules: [] });
    expect(analyticsBodyOf(analyticsFormOf(null))).toEqual({ signIn: false, rules: [] });
  });

  it('names problems by rule and field, the same way from the schema and from a server 400', () => {
    const form = { signIn: false, rules: [{ ...newRuleForm('intrusion', 'ok', []), zone: triangle }, { ...newRuleForm('crowding', '', [{ id: 'rule-1' }]), zone: triangle.slice(0, 2), minPeople: 'x' }] };
    const checked = validateBody(channelAnalyticsInput, analyticsBodyOf(form));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(fieldErrors(checked.errors, `${rulePath(1)}.zone`)).toEqual(['a zone needs at least 3 points']);
    expect(fieldErrors(checked.errors, `${rulePath(1)}.name`)).toHaveLength(1);
    expect(fieldErrors(checked.errors, `${rulePath(1)}.minPeople`)).toHaveLength(1);
    expect(fieldErrors(checked.errors, rulePath(0))).toEqual([]);
    // The server words the same problems `path: message; …` (shared describeIssues).
    const fromServer = formErrorsFromMessage('rules[1].zone: a zone needs at least 3 points; rules[0].id: duplicate rule id "rule-1"');
    expect(fieldErrors(fromServer, `${rulePath(1)}.zone`)).toEqual(['a zone needs at least 3 points']);
    expect(fieldErrors(fromServer, `${rulePath(0)}.id`)).toEqual(['duplicate rule id "rule-1"']);
  });
});
