import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditPage as AuditPageData } from '@argus/shared';
import { api } from '../api/apiClient.js';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, auditFilterProblem, auditQueryFromFilters, EMPTY_AUDIT_FILTERS, type AuditFilters } from '../auditQuery.js';
import { formatDetail, formatTime } from '../format.js';
import { describeApiError } from './apiErrorText.js';

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 100;

/**
 * 审计日志 (`audit.read`): filters (time range, user id, action, target type and id), the
 * entries newest first with paging back through `nextBefore`, and 导出 CSV of everything the
 * applied filters match (`GET /api/audit.csv`, a plain link: the session cookie goes along).
 *
 * Test hooks: `audit-filter-from`, `-to`, `-userId`, `-action`, `-targetType`, `-targetId`,
 * `audit-search`, `audit-reset`, `audit-table`, `audit-row-${id}`, `audit-older`,
 * `audit-newer`, `audit-newest`, `audit-export`, `audit-error`.
 */
export function AuditPage() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  /** `before` of each page shown so far; the last one is the current page (undefined: the newest). */
  const [pages, setPages] = useState<Array<number | undefined>>([undefined]);
  const [data, setData] = useState<AuditPageData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [generation, setGeneration] = useState(0);
  const before = pages[pages.length - 1];

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    api.audit(auditQueryFromFilters(applied, { before, limit: AUDIT_PAGE_SIZE })).then(
      (page) => {
        if (!current) return;
        setData(page);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        setError(describeApiError(t, e));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
    // Not on `t`: a language switch does not need a reload.
  }, [applied, before, generation]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    const problem = auditFilterProblem(draft);
    if (problem) {
      setError(problem === 'bad-time' ? t('validation.badTime') : t('validation.timeRange'));
      return;
    }
    setApplied({ ...draft });
    setPages([undefined]);
    setGeneration((g) => g + 1);
  };
  const field = (key: keyof AuditFilters) => ({
    'data-testid': `audit-filter-${key}`,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
  });

  return (
    <div className="page audit" data-testid="audit-page">
      <form className="form audit__filters" onSubmit={search} noValidate>
        <div className="form__row">
          <label className="form__field">
            <span className="form__label">{t('audit.from')}</span>
            <input type="datetime-local" {...field('from')} />
          </label>
          <label className="form__field">
            <span className="form__label">{t('audit.to')}</span>
            <input type="datetime-local" {...field('to')} />
          </label>
          <label className="form__field">
            <span className="form__label">{t('audit.userId')}</span>
            <input className="mono" {...field('userId')} />
          </label>
          <label className="form__field">
            <span className="form__label">{t('audit.action')}</span>
            <input className="mono" list="audit-actions" {...field('action')} />
          </label>
          <label className="form__field">
            <span className="form__label">{t('audit.targetType')}</span>
            <input className="mono" list="audit-target-types" {...field('targetType')} />
          </label>
          <label className="form__field">
            <span className="form__label">{t('audit.targetId')}</span>
            <input className="mono" {...field('targetId')} />
          </label>
        </div>
        <datalist id="audit-actions">
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t(`auditActions.${a}`)}
            </option>
          ))}
        </datalist>
        <datalist id="audit-target-types">
          {AUDIT_TARGET_TYPES.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
        <div className="form__buttons">
          <button type="submit" className="primary" data-testid="audit-search" disabled={loading}>
            {t('audit.search')}
          </button>
          <button type="button" data-testid="audit-reset" onClick={() => setDraft(EMPTY_AUDIT_FILTERS)}>
            {t('audit.reset')}
          </button>
          <a className="button" data-testid="audit-export" href={api.auditCsvUrl(auditQueryFromFilters(applied))} download>
            {t('audit.export')}
          </a>
        </div>
      </form>
      {error && (
        <p className="page__error" role="alert" data-testid="audit-error">
          {error}
        </p>
      )}
      <table className="table audit__table" data-testid="audit-table" aria-busy={loading}>
        <thead>
          <tr>
            <th>{t('audit.at')}</th>
            <th>{t('audit.user')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.target')}</th>
            <th>{t('audit.orgUnit')}</th>
            <th>{t('audit.address')}</th>
            <th>{t('audit.outcome')}</th>
            <th>{t('audit.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {data?.entries.length === 0 && (
            <tr>
              <td colSpan={8} className="table__empty">
                {t('audit.empty')}
              </td>
            </tr>
          )}
          {data?.entries.map((entry) => {
            const detail = formatDetail(entry.detail);
            return (
              <tr key={entry.id} data-testid={`audit-row-${entry.id}`} data-action={entry.action} className={entry.outcome === 'ok' ? '' : 'table__row--warn'}>
                <td className="mono nowrap">{formatTime(entry.at)}</td>
                <td>
                  {entry.username ?? t('common.none')}
                  {entry.userId !== null && entry.userId !== entry.username ? <span className="mono muted"> ({entry.userId})</span> : null}
                </td>
                <td title={entry.action}>{t(`auditActions.${entry.action}`, { defaultValue: entry.action })}</td>
                <td className="mono">{entry.targetType !== null ? `${entry.targetType}${entry.targetId !== null ? `/${entry.targetId}` : ''}` : t('common.none')}</td>
                <td className="mono">{entry.orgUnitId ?? t('common.none')}</td>
                <td className="mono">{entry.address ?? t('common.none')}</td>
                <td>{t(`outcomes.${entry.outcome}`, { defaultValue: entry.outcome })}</td>
                <td className="mono table__wrap" title={detail}>
                  {detail}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="audit__paging">
        <button type="button" data-testid="audit-newest" disabled={pages.length <= 1 || loading} onClick={() => setPages([undefined])}>
          {t('audit.newest')}
        </button>
        <button type="button" data-testid="audit-newer" disabled={pages.length <= 1 || loading} onClick={() => setPages((p) => p.slice(0, -1))}>
          {t('audit.newer')}
        </button>
        <span data-testid="audit-page-number">{t('audit.page', { page: pages.length })}</span>
        <button
          type="button"
          data-testid="audit-older"
          disabled={!data || data.nextBefore === null || loading}
          onClick={() => {
            const next = data?.nextBefore;
            if (next !== null && next !== undefined) setPages((p) => [...p, next]);
          }}
        >
          {t('audit.older')}
        </button>
      </div>
    </div>
  );
}
