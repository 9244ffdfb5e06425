import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, AuditPage as AuditPageData, OrgUnit } from '@argus/shared';
import { api } from '../api/apiClient.js';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, auditFilterProblem, auditQueryFromFilters, EMPTY_AUDIT_FILTERS, type AuditFilters } from '../auditQuery.js';
import { formatDetail, formatTime } from '../format.js';
import { useOrgUnitName } from './admin/useOrgUnitName.js';
import { describeApiError } from './apiErrorText.js';
import { DataTable, type Column } from './DataTable.js';

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 100;

/** The text filter inputs after the time range and before the action, each labelled `audit.${key}`. */
const TEXT_FILTERS_BEFORE_ACTION: ReadonlyArray<{ key: keyof AuditFilters; type?: string; className?: string; list?: string; autoComplete?: string }> = [
  { key: 'from', type: 'datetime-local' },
  { key: 'to', type: 'datetime-local' },
  { key: 'username', className: 'mono', autoComplete: 'off' },
];
/** The text filter inputs after the action. */
const TEXT_FILTERS_AFTER_ACTION: typeof TEXT_FILTERS_BEFORE_ACTION = [
  { key: 'targetType', className: 'mono', list: 'audit-target-types' },
  { key: 'targetId', className: 'mono' },
];

/**
 * 审计日志 (`audit.read`): filters (time range in UTC+8, username, action, target type and
 * id), the entries newest first with paging back through `nextBefore`, and 导出 CSV of
 * everything the applied filters match (`GET /api/audit.csv`, a plain link: the session
 * cookie goes along). Times are shown in UTC+8 like the CSV; org units by name (`orgUnits`,
 * the auditor's subtree), with the code as a tooltip.
 *
 * Test hooks: `audit-filter-from`, `-to`, `-username`, `-action` (a select), `-targetType`,
 * `-targetId`, `audit-search`, `audit-reset`, `audit-table`, `audit-row-${id}` (with
 * `data-action`), `audit-older`, `audit-newer`, `audit-newest`, `audit-page-number`,
 * `audit-export`, `audit-error`.
 */
export function AuditPage({ orgUnits }: { orgUnits: readonly OrgUnit[] }) {
  const { t } = useTranslation();
  const orgUnitName = useOrgUnitName(orgUnits);
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

  const columns: Array<Column<AuditEntry>> = [
    { header: t('audit.at'), className: 'mono nowrap', cell: (entry) => formatTime(entry.at) },
    {
      header: t('audit.user'),
      cell: (entry) => (
        <>
          {entry.username ?? t('common.none')}
          {entry.userId !== null && entry.userId !== entry.username ? <span className="mono muted"> ({entry.userId})</span> : null}
        </>
      ),
    },
    { header: t('audit.action'), attributes: (entry) => ({ title: entry.action }), cell: (entry) => t(`auditActions.${entry.action}`, { defaultValue: entry.action }) },
    { header: t('audit.target'), className: 'mono', cell: (entry) => (entry.targetType !== null ? `${entry.targetType}${entry.targetId !== null ? `/${entry.targetId}` : ''}` : t('common.none')) },
    {
      header: t('audit.orgUnit'),
      attributes: (entry) => ({ title: entry.orgUnitId ?? undefined, 'data-org-unit': entry.orgUnitId ?? undefined }),
      cell: (entry) => (entry.orgUnitId !== null ? orgUnitName(entry.orgUnitId) : t('common.none')),
    },
    { header: t('audit.address'), className: 'mono', cell: (entry) => entry.address ?? t('common.none') },
    { header: t('audit.outcome'), cell: (entry) => t(`outcomes.${entry.outcome}`, { defaultValue: entry.outcome }) },
    { header: t('audit.detail'), className: 'mono table__wrap', attributes: (entry) => ({ title: formatDetail(entry.detail) }), cell: (entry) => formatDetail(entry.detail) },
  ];

  return (
    <div className="page audit" data-testid="audit-page">
      <form className="form audit__filters" onSubmit={search} noValidate>
        <div className="form__row">
          {TEXT_FILTERS_BEFORE_ACTION.map(({ key, ...input }) => (
            <label key={key} className="form__field">
              <span className="form__label">{t(`audit.${key}`)}</span>
              <input {...input} {...field(key)} />
            </label>
          ))}
          <label className="form__field">
            <span className="form__label">{t('audit.action')}</span>
            <select {...field('action')}>
              <option value="">{t('audit.anyAction')}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(`auditActions.${a}`)}
                </option>
              ))}
            </select>
          </label>
          {TEXT_FILTERS_AFTER_ACTION.map(({ key, ...input }) => (
            <label key={key} className="form__field">
              <span className="form__label">{t(`audit.${key}`)}</span>
              <input {...input} {...field(key)} />
            </label>
          ))}
        </div>
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
      <DataTable
        testId="audit-table"
        className="table audit__table"
        busy={loading}
        columns={columns}
        rows={data?.entries}
        rowId={(entry) => entry.id}
        rowTestIdPrefix="audit"
        rowAttributes={(entry) => ({ 'data-action': entry.action, className: entry.outcome === 'ok' ? '' : 'table__row--warn' })}
        emptyText={t('audit.empty')}
      />
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
