import { BEHAVIOUR_RULE_KINDS, RULE_DEFAULTS, type BehaviourRule, type BehaviourRuleKind, type ChannelAnalytics, type channelAnalyticsInput, type ZonePoint } from '@argus/shared';
import type { BodyOf } from '../api/apiClient.js';

/**
 * The rule editor's form (分析规则) and its conversion to and from the API's shapes
 * (shared/src/analytics.ts `behaviourRuleSchema`, `channelAnalyticsInput`). Numbers are kept as
 * typed; an empty parameter is left out of the body, so the server's default applies.
 */

/** Numeric parameters of a rule, as the form holds them. */
export const RULE_NUMBER_FIELDS = ['dwellS', 'holdS', 'minPeople', 'cooldownS'] as const;
export type RuleNumberField = (typeof RULE_NUMBER_FIELDS)[number];

/** The parameters each kind uses besides `cooldownS` (the others are not sent). */
export const KIND_PARAMETERS: Readonly<Record<BehaviourRuleKind, readonly RuleNumberField[]>> = {
  intrusion: [],
  loitering: ['dwellS'],
  fall: ['holdS'],
  crowding: ['minPeople'],
};

export interface RuleForm {
  id: string;
  kind: BehaviourRuleKind;
  name: string;
  enabled: boolean;
  zone: ZonePoint[];
  dwellS: string;
  holdS: string;
  minPeople: string;
  cooldownS: string;
}

/** The whole editor: the sign-in point switch and the rules. */
export interface AnalyticsForm {
  signIn: boolean;
  rules: RuleForm[];
}

export function isRuleKind(value: string): value is BehaviourRuleKind {
  return (BEHAVIOUR_RULE_KINDS as readonly string[]).includes(value);
}

/** The first of `rule-1`, `rule-2`, … that no rule of `taken` has. */
export function nextRuleId(taken: readonly { id: string }[]): string {
  const ids = new Set(taken.map((r) => r.id));
  let n = 1;
  while (ids.has(`rule-${n}`)) n++;
  return `rule-${n}`;
}

/** A new rule of `kind` named `name`, with the defaults filled in and no zone yet. */
export function newRuleForm(kind: BehaviourRuleKind, name: string, taken: readonly { id: string }[]): RuleForm {
  return {
    id: nextRuleId(taken),
    kind,
    name,
    enabled: true,
    zone: [],
    dwellS: String(RULE_DEFAULTS.dwellS),
    holdS: String(RULE_DEFAULTS.holdS),
    minPeople: String(RULE_DEFAULTS.minPeople),
    cooldownS: String(RULE_DEFAULTS.cooldownS),
  };
}

/** A stored rule as the form shows it (parameters it lacks show their defaults). */
export function ruleFormOf(rule: BehaviourRule): RuleForm {
  const text = (value: number | undefined, fallback: number) => String(value ?? fallback);
  return {
    id: rule.id,
    kind: rule.kind,
    name: rule.name,
    enabled: rule.enabled,
    zone: rule.zone.map(([x, y]) => [x, y]),
    dwellS: text(rule.dwellS, RULE_DEFAULTS.dwellS),
    holdS: text(rule.holdS, RULE_DEFAULTS.holdS),
    minPeople: text(rule.minPeople, RULE_DEFAULTS.minPeople),
    cooldownS: text(rule.cooldownS, RULE_DEFAULTS.cooldownS),
  };
}

/** A camera's stored settings as the editor's form; none stored yet: not a sign-in point, no rules. */
export function analyticsFormOf(settings: Pick<ChannelAnalytics, 'signIn' | 'rules'> | null): AnalyticsForm {
  return { signIn: settings?.signIn ?? false, rules: (settings?.rules ?? []).map(ruleFormOf) };
}

/** A typed number: undefined when empty (the server's default), NaN when not a number (the schema then names the field). */
function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

type RuleInput = BodyOf<typeof channelAnalyticsInput>['rules'] extends (infer R)[] | undefined ? R : never;

/** One rule as `PUT /api/channels/:id/analytics` takes it: its kind's parameters only. */
export function ruleInputOf(form: RuleForm): RuleInput {
  const rule: RuleInput = { id: form.id, kind: form.kind, name: form.name.trim(), zone: form.zone.map(([x, y]) => [x, y]), enabled: form.enabled };
  for (const field of [...KIND_PARAMETERS[form.kind], 'cooldownS'] as const) {
    const value = numberOf(form[field]);
    if (value !== undefined) rule[field] = value;
  }
  return rule;
}

/** The `PUT /api/channels/:id/analytics` body of the form. */
export function analyticsBodyOf(form: AnalyticsForm): BodyOf<typeof channelAnalyticsInput> {
  return { signIn: form.signIn, rules: form.rules.map(ruleInputOf) };
}

/** The error path prefix of rule `index` (`rules[2]`), as the server and the schema name it. */
export function rulePath(index: number): string {
  return `rules[${index}]`;
}
