import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BEHAVIOUR_RULE_KINDS, channelAnalyticsInput, type BehaviourRuleKind, type CameraSummary, type ChannelAnalytics } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { toApiError } from '../../api/apiError.js';
import { validateBody } from '../../api/formErrors.js';
import { addZonePoint, MIN_ZONE_POINTS } from '../../analytics/zoneGeometry.js';
import { analyticsBodyOf, analyticsFormOf, isRuleKind, KIND_PARAMETERS, newRuleForm, RULE_NUMBER_FIELDS, rulePath, type AnalyticsForm, type RuleForm } from '../../analytics/ruleForm.js';
import type { WallClient } from '../../wallClient.js';
import { FieldErrorText, FormErrorList, useFormSubmit } from '../FormParts.js';
import { LoadStatus } from '../LoadStatus.js';
import { Tile } from '../Tile.js';
import { useApiLoad } from '../useApiLoad.js';
import { ZoneOverlay, type OverlayZone } from './ZoneOverlay.js';

/** The fields of a rule shown under it (their errors are shown there, not in the form's list). */
const RULE_FIELDS = ['id', 'kind', 'name', 'enabled', 'zone', ...RULE_NUMBER_FIELDS] as const;

/** A camera's stored settings; a camera never configured (404) has none yet. */
async function loadSettings(channelId: string): Promise<ChannelAnalytics | null> {
  try {
    return await api.channelAnalytics(channelId);
  } catch (error) {
    if (toApiError(error).code === 'not-found') return null;
    throw error;
  }
}

/**
 * The rule editor (分析规则) of one camera, over the wall: the camera live in a big tile with
 * every rule's zone drawn over the picture, and the form beside it: 签到点 (sign-in point), and
 * behaviour rules (区域入侵 intrusion, 徘徊 loitering, 跌倒 fall, 人员聚集 crowding) with
 * name, parameters and zone. 绘制区域 makes clicks on the picture add the rule's points
 * (fractions 0..1 of the picture). 保存 checks the body against the server's schema, then
 * `PUT /api/channels/:id/analytics`; problems (the schema's or the server's 400) show under
 * the rule and field they concern.
 *
 * Test hooks: `rule-editor`, `rule-editor-tile`, `rule-signin`, `rule-add-kind`, `rule-add`,
 * `rule-${i}` (with `data-kind`), in it `rule-kind`, `rule-name`, `rule-enabled`,
 * `rule-${param}`, `rule-draw`, `rule-undo`, `rule-clear-zone`, `rule-remove`,
 * `rule-zone-count`; `form-submit`, `rule-editor-close`, `rule-editor-saved`, `form-errors`,
 * `field-error-rules[i].field`.
 */
export function RuleEditor({
  camera,
  client,
  session,
  visible,
  onClose,
}: {
  camera: CameraSummary;
  client: WallClient;
  session: number;
  /** Whether the editor is on screen (its live tile is paused while not). */
  visible: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const load = useApiLoad(() => loadSettings(camera.id), [camera.id]);
  const [form, setForm] = useState<AnalyticsForm | null>(null);
  const [drawing, setDrawing] = useState<number | null>(null);
  const [addKind, setAddKind] = useState<BehaviourRuleKind>('intrusion');
  const [saved, setSaved] = useState(false);
  const { busy, errors, setErrors, submit } = useFormSubmit();

  useEffect(() => {
    if (load.data !== undefined) setForm((current) => current ?? analyticsFormOf(load.data ?? null));
  }, [load.data]);

  const change = (next: (form: AnalyticsForm) => AnalyticsForm) => {
    setSaved(false);
    setForm((current) => (current ? next(current) : current));
  };
  const changeRule = (index: number, patch: Partial<RuleForm>) => change((f) => ({ ...f, rules: f.rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)) }));
  const addRule = () => {
    if (!form) return;
    change((f) => ({ ...f, rules: [...f.rules, newRuleForm(addKind, t(`ruleKinds.${addKind}`), f.rules)] }));
    setDrawing(form.rules.length);
  };
  const removeRule = (index: number) => {
    change((f) => ({ ...f, rules: f.rules.filter((_, i) => i !== index) }));
    setDrawing((d) => (d === index ? null : d !== null && d > index ? d - 1 : d));
    // Errors name rules by index: they no longer fit.
    setErrors({ fields: {}, general: [] });
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const body = analyticsBodyOf(form);
    const checked = validateBody(channelAnalyticsInput, body);
    if (!checked.ok) return setErrors(checked.errors);
    void submit(async () => {
      const stored = await api.saveChannelAnalytics(camera.id, body);
      setForm(analyticsFormOf(stored));
      setDrawing(null);
      setSaved(true);
    });
  };

  const zones: OverlayZone[] = (form?.rules ?? []).map((rule, index) => ({
    key: `rule-${index}`,
    zone: rule.zone,
    kind: rule.kind,
    label: rule.name || t(`ruleKinds.${rule.kind}`),
    active: index === drawing,
  }));
  const addPoint = drawing === null ? undefined : (point: [number, number]) => change((f) => ({ ...f, rules: f.rules.map((rule, i) => (i === drawing ? { ...rule, zone: addZonePoint(rule.zone, point) } : rule)) }));
  const inline = ['signIn', ...(form?.rules ?? []).flatMap((_, i) => RULE_FIELDS.map((field) => `${rulePath(i)}.${field}`))];

  return (
    <div className="rule-editor" data-testid="rule-editor" onClick={(e) => e.stopPropagation()}>
      <section className="rule-editor__video">
        <Tile
          client={client}
          session={session}
          index={-1}
          testId="rule-editor-tile"
          camera={camera}
          visible={visible}
          selected={false}
          onSelect={() => undefined}
          onToggleMaximise={() => undefined}
          overlay={<ZoneOverlay zones={zones} onPoint={addPoint} />}
        />
        {drawing !== null && (
          <p className="rule-editor__drawing" data-testid="rule-drawing">
            {t('rules.drawHint')}
          </p>
        )}
      </section>
      <form className="form rule-editor__form" onSubmit={save} noValidate>
        <header className="rule-editor__header">
          <h3>{t('rules.title', { name: camera.name })}</h3>
          <button type="button" data-testid="rule-editor-close" onClick={onClose}>
            {t('rules.close')}
          </button>
        </header>
        <LoadStatus load={load} />
        {form && (
          <>
            <label className="form__check">
              <input type="checkbox" data-testid="rule-signin" checked={form.signIn} onChange={(e) => change((f) => ({ ...f, signIn: e.target.checked }))} />
              {t('rules.signIn')}
            </label>
            <span className="form__hint form__hint--block">{t('rules.signInHint')}</span>
            <FieldErrorText errors={errors} path="signIn" />
            <h4 className="rule-editor__subtitle">{t('rules.rules')}</h4>
            {form.rules.length === 0 && <p className="muted">{t('rules.none')}</p>}
            {form.rules.map((rule, index) => (
              <RuleFields
                key={rule.id}
                rule={rule}
                index={index}
                errors={errors}
                drawing={drawing === index}
                onChange={(patch) => changeRule(index, patch)}
                onDraw={() => setDrawing(drawing === index ? null : index)}
                onRemove={() => removeRule(index)}
              />
            ))}
            <div className="rule-editor__add">
              <select data-testid="rule-add-kind" value={addKind} onChange={(e) => isRuleKind(e.target.value) && setAddKind(e.target.value)}>
                {BEHAVIOUR_RULE_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`ruleKinds.${kind}`)}
                  </option>
                ))}
              </select>
              <button type="button" data-testid="rule-add" onClick={addRule}>
                {t('rules.add')}
              </button>
            </div>
            <FormErrorList errors={errors} inline={inline} />
            {saved && (
              <p className="page__notice" role="status" data-testid="rule-editor-saved">
                {t('rules.saved')}
              </p>
            )}
            <div className="form__buttons">
              <button type="submit" className="primary" data-testid="form-submit" disabled={busy}>
                {busy ? t('common.saving') : t('common.save')}
              </button>
            </div>
          </>
        )}
      </form>
    </div>
  );
}

/** One rule's fields: kind, name, enabled, its kind's parameters and cooldown, and its zone's tools. */
function RuleFields({
  rule,
  index,
  errors,
  drawing,
  onChange,
  onDraw,
  onRemove,
}: {
  rule: RuleForm;
  index: number;
  errors: ReturnType<typeof useFormSubmit>['errors'];
  drawing: boolean;
  onChange: (patch: Partial<RuleForm>) => void;
  onDraw: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const path = rulePath(index);
  const parameters = [...KIND_PARAMETERS[rule.kind], 'cooldownS'] as const;
  return (
    <fieldset className={`rule-editor__rule${drawing ? ' rule-editor__rule--drawing' : ''}`} data-testid={`rule-${index}`} data-kind={rule.kind}>
      <legend className="mono">{rule.id}</legend>
      <FieldErrorText errors={errors} path={`${path}.id`} />
      <div className="form__row">
        <label className="form__field">
          <span className="form__label">{t('rules.kind')}</span>
          <select data-testid="rule-kind" value={rule.kind} onChange={(e) => isRuleKind(e.target.value) && onChange({ kind: e.target.value })}>
            {BEHAVIOUR_RULE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`ruleKinds.${kind}`)}
              </option>
            ))}
          </select>
          <FieldErrorText errors={errors} path={`${path}.kind`} />
        </label>
        <label className="form__field">
          <span className="form__label">{t('rules.name')}</span>
          <input data-testid="rule-name" value={rule.name} onChange={(e) => onChange({ name: e.target.value })} />
          <FieldErrorText errors={errors} path={`${path}.name`} />
        </label>
        <label className="form__check">
          <input type="checkbox" data-testid="rule-enabled" checked={rule.enabled} onChange={(e) => onChange({ enabled: e.target.checked })} />
          {t('rules.enabled')}
        </label>
      </div>
      <div className="form__row">
        {parameters.map((field) => (
          <label key={field} className="form__field form__field--narrow">
            <span className="form__label">{t(`rules.${field}`)}</span>
            <input type="number" data-testid={`rule-${field}`} value={rule[field]} onChange={(e) => onChange({ [field]: e.target.value })} />
            <FieldErrorText errors={errors} path={`${path}.${field}`} />
          </label>
        ))}
      </div>
      <div className="rule-editor__zone">
        <span className="form__label">{t('rules.zone')}</span>
        <span data-testid="rule-zone-count" data-count={rule.zone.length} className={rule.zone.length < MIN_ZONE_POINTS ? 'rule-editor__few' : undefined}>
          {t('rules.zonePoints', { count: rule.zone.length })}
        </span>
        <button type="button" data-testid="rule-draw" className={drawing ? 'primary' : undefined} aria-pressed={drawing} onClick={onDraw}>
          {drawing ? t('rules.stopDrawing') : t('rules.draw')}
        </button>
        <button type="button" data-testid="rule-undo" disabled={rule.zone.length === 0} onClick={() => onChange({ zone: rule.zone.slice(0, -1) })}>
          {t('rules.undo')}
        </button>
        <button type="button" data-testid="rule-clear-zone" disabled={rule.zone.length === 0} onClick={() => onChange({ zone: [] })}>
          {t('rules.clearZone')}
        </button>
        <span className="toolbar__spacer" />
        <button type="button" className="danger" data-testid="rule-remove" onClick={onRemove}>
          {t('rules.remove')}
        </button>
      </div>
      <FieldErrorText errors={errors} path={`${path}.zone`} />
    </fieldset>
  );
}
