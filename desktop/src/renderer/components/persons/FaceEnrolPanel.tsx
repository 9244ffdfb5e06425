import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FaceTemplate, SupervisedPerson } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { toApiError } from '../../api/apiError.js';
import { enrolBody, enrolOutcomes, photoSelectionProblem, type PhotoOutcome, type PhotoSelectionProblem } from '../../analytics/faceEnrol.js';
import { formatTime } from '../../format.js';
import { describeApiError, type Translate } from '../apiErrorText.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { DataTable, type Column } from '../DataTable.js';
import { LoadStatus } from '../LoadStatus.js';
import { useApiLoad } from '../useApiLoad.js';
import { SnapshotImage } from '../analytics/SnapshotImage.js';

/** A selection problem in the UI language. */
function describeSelectionProblem(t: Translate, problem: PhotoSelectionProblem): string {
  switch (problem.kind) {
    case 'none-picked':
      return t('faces.noneSelected');
    case 'too-many':
      return t('faces.tooMany', { count: problem.count });
    case 'too-large':
      return t('faces.tooLarge', { names: problem.names.join('、') });
    case 'not-image':
      return t('faces.notImage', { names: problem.names.join('、') });
  }
}

type Sending = { phase: 'idle' } | { phase: 'reading' } | { phase: 'sending' };

/**
 * 人脸登记 of one supervised person: the faces enrolled so far (`GET …/faces`, audited), each
 * with its photo when kept (loaded only when asked for, audited) and delete; and enrolment of
 * 1-5 new photos, read as base64 and sent together, with each photo's outcome (登记 or refused
 * with its reason: 无法读取, 未检测到人脸, 检测到多张人脸, 人脸过小). A 503 says plainly that
 * the analytics service is not running.
 *
 * Test hooks: `faces-panel`, `faces-close`, `faces-table`, rows `face-row-${id}` with
 * `face-photo`, `face-delete` (then `face-delete-confirm`); `faces-file`, `faces-submit`,
 * `faces-problem`, `faces-unavailable`, `faces-error`, `faces-outcomes`, `faces-outcome-${index}`
 * (with `data-status` and `data-reason`).
 */
export function FaceEnrolPanel({ person, onClose }: { person: SupervisedPerson; onClose: () => void }) {
  const { t } = useTranslation();
  const templates = useApiLoad(() => api.listFaces(person.id), [person.id]);
  const fileInput = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [sending, setSending] = useState<Sending>({ phase: 'idle' });
  const [outcomes, setOutcomes] = useState<PhotoOutcome[] | null>(null);
  /** Why the last enrolment failed, in the UI language; `unavailable` (503: no analytics worker) is told apart. */
  const [failure, setFailure] = useState<{ unavailable: boolean; text: string } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [shownPhoto, setShownPhoto] = useState<string | null>(null);
  const problem = files.length > 0 ? photoSelectionProblem(files) : null;

  const enrol = async () => {
    const selectionProblem = photoSelectionProblem(files);
    if (selectionProblem) return;
    setFailure(null);
    setOutcomes(null);
    setSending({ phase: 'reading' });
    try {
      let body;
      try {
        body = await enrolBody(files);
      } catch (error) {
        setFailure({ unavailable: false, text: t('faces.readFailed', { message: error instanceof Error ? error.message : String(error) }) });
        return;
      }
      setSending({ phase: 'sending' });
      const result = await api.enrolFaces(person.id, body);
      setOutcomes(enrolOutcomes(files.map((f) => f.name), result));
      setFiles([]);
      if (fileInput.current) fileInput.current.value = '';
      templates.reload();
    } catch (error) {
      const unavailable = toApiError(error).code === 'unavailable';
      setFailure({ unavailable, text: unavailable ? t('faces.unavailable') : describeApiError(t, error) });
    } finally {
      setSending({ phase: 'idle' });
    }
  };

  const remove = async (template: FaceTemplate) => {
    setRowError(null);
    try {
      await api.deleteFace(person.id, template.id);
    } catch (error) {
      setRowError(describeApiError(t, error));
    }
    templates.reload();
  };

  const columns: Array<Column<FaceTemplate>> = [
    { header: t('faces.createdAt'), className: 'mono nowrap', cell: (template) => formatTime(template.createdAt) },
    { header: t('faces.faceWidth'), cell: (template) => t('faces.faceWidthPx', { px: Math.round(template.faceWidthPx) }) },
    { header: t('faces.score'), cell: (template) => template.score.toFixed(2) },
    {
      header: t('faces.photo'),
      cell: (template) =>
        !template.hasPhoto ? (
          <span className="muted">{t('faces.noPhoto')}</span>
        ) : shownPhoto === template.id ? (
          <span className="faces__photo">
            <SnapshotImage src={api.facePhotoUrl(person.id, template.id)} alt={person.name} testId="face-photo-image" failedText={t('faces.photoFailed')} />
            <button type="button" data-testid="face-photo" onClick={() => setShownPhoto(null)}>
              {t('faces.hidePhoto')}
            </button>
          </span>
        ) : (
          <button type="button" data-testid="face-photo" onClick={() => setShownPhoto(template.id)}>
            {t('faces.showPhoto')}
          </button>
        ),
    },
  ];

  const busy = sending.phase !== 'idle';
  const enrolledCount = outcomes?.filter((o) => o.status === 'enrolled').length ?? 0;

  return (
    <section className="admin__panel faces" data-testid="faces-panel" data-person-id={person.id}>
      <header className="faces__header">
        <h3>{t('faces.title', { name: person.name })}</h3>
        <span className="toolbar__spacer" />
        <button type="button" data-testid="faces-close" onClick={onClose}>
          {t('faces.close')}
        </button>
      </header>

      <div className="faces__enrol">
        <label className="form__field">
          <span className="form__label">{t('faces.pick')}</span>
          <input
            ref={fileInput}
            type="file"
            accept="image/*"
            multiple
            data-testid="faces-file"
            disabled={busy}
            onChange={(e) => {
              setFiles([...(e.target.files ?? [])]);
              setOutcomes(null);
              setFailure(null);
            }}
          />
          <span className="form__hint">{t('faces.pickHint')}</span>
        </label>
        {files.length > 0 && <span className="muted">{t('faces.picked', { count: files.length })}</span>}
        <button type="button" className="primary" data-testid="faces-submit" disabled={busy || files.length === 0 || problem !== null} onClick={() => void enrol()}>
          {sending.phase === 'reading' ? t('faces.reading') : sending.phase === 'sending' ? t('faces.submitting') : t('faces.submit')}
        </button>
      </div>
      {problem && (
        <p className="page__error" role="alert" data-testid="faces-problem">
          {describeSelectionProblem(t, problem)}
        </p>
      )}
      {failure && (
        <p className={`page__error${failure.unavailable ? ' faces__unavailable' : ''}`} role="alert" data-testid={failure.unavailable ? 'faces-unavailable' : 'faces-error'}>
          {failure.text}
        </p>
      )}
      {outcomes && (
        <div className="faces__outcomes" data-testid="faces-outcomes">
          <h4>{t('faces.summary', { enrolled: enrolledCount, rejected: outcomes.length - enrolledCount })}</h4>
          <ul>
            {outcomes.map((outcome) => (
              <li
                key={outcome.index}
                className={`faces__outcome faces__outcome--${outcome.status}`}
                data-testid={`faces-outcome-${outcome.index}`}
                data-status={outcome.status}
                data-reason={outcome.status === 'rejected' ? outcome.reason : ''}
                title={outcome.status === 'rejected' ? outcome.message : undefined}
              >
                <span className="mono">{outcome.name}</span>{' '}
                {outcome.status === 'enrolled' ? t('faces.enrolled') : t('faces.rejected', { reason: t(`faces.reasons.${outcome.reason}`, { defaultValue: outcome.reason }) })}
              </li>
            ))}
          </ul>
        </div>
      )}

      <h4>{t('faces.templates')}</h4>
      <LoadStatus load={templates} />
      {rowError && (
        <p className="page__error" role="alert" data-testid="faces-row-error">
          {rowError}
        </p>
      )}
      <DataTable
        testId="faces-table"
        columns={columns}
        rows={templates.data}
        rowId={(template) => template.id}
        rowTestIdPrefix="face"
        emptyText={t('faces.noTemplates')}
        actions={(template) => <ConfirmButton testId="face-delete" label={t('common.delete')} question={t('faces.deleteQuestion')} onConfirm={() => void remove(template)} />}
      />
    </section>
  );
}
