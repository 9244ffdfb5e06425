import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/apiClient.js';
import { formatClock, formatPercent } from '../../format.js';
import { describeApiError } from '../apiErrorText.js';
import { SnapshotImage } from './SnapshotImage.js';
import type { SignInFeedModel } from './useSignInFeed.js';

/**
 * The wall's sign-in feed (签到记录), beside the grid: today's sign-ins newest first, each with
 * the person, the camera, the time (UTC+8) and the similarity. A sign-in's face snapshot is
 * loaded only when the operator opens it (every load is audited). The panel folds away.
 *
 * Test hooks: `signin-feed` (with `data-count`), `signin-feed-toggle`, `signin-row-${id}`,
 * `signin-open-${id}`, `signin-snapshot-${id}`.
 */
export function SignInFeedPanel({ model }: { model: SignInFeedModel }) {
  const { t } = useTranslation();
  const [folded, setFolded] = useState(false);
  const [opened, setOpened] = useState<number | null>(null);
  const { feed, loadError } = model;

  if (folded) {
    return (
      <aside className="signin-feed signin-feed--folded" data-testid="signin-feed" data-count={feed.records.length}>
        <button type="button" className="signin-feed__toggle" data-testid="signin-feed-toggle" onClick={() => setFolded(false)}>
          {t('signIns.expand')} ({feed.records.length})
        </button>
      </aside>
    );
  }
  return (
    <aside className="signin-feed" data-testid="signin-feed" data-count={feed.records.length}>
      <header className="signin-feed__header">
        <h2>{t('signIns.title')}</h2>
        <span className="muted">{t('signIns.today', { day: feed.day })}</span>
        <span className="toolbar__spacer" />
        <button type="button" className="signin-feed__toggle" data-testid="signin-feed-toggle" onClick={() => setFolded(true)}>
          {t('signIns.collapse')}
        </button>
      </header>
      {loadError !== null && (
        <p className="page__error" role="alert">
          {t('signIns.loadFailed', { message: describeApiError(t, loadError) })}
        </p>
      )}
      {feed.records.length === 0 && <p className="muted signin-feed__empty">{t('signIns.empty')}</p>}
      <ol className="signin-feed__list">
        {feed.records.map((record) => {
          const isOpen = opened === record.id;
          return (
            <li key={record.id} className="signin-feed__row" data-testid={`signin-row-${record.id}`} data-person-id={record.personId}>
              <button
                type="button"
                className="signin-feed__summary"
                data-testid={`signin-open-${record.id}`}
                aria-expanded={isOpen}
                title={isOpen ? t('signIns.hideSnapshot') : t('signIns.snapshotAudited')}
                onClick={() => setOpened(isOpen ? null : record.id)}
              >
                <span className="signin-feed__name">{record.personName}</span>
                <span className="mono">{formatClock(record.at)}</span>
                <span className="signin-feed__camera">{record.channelName}</span>
                <span className="signin-feed__similarity">{t('signIns.similarity', { value: formatPercent(record.similarity) })}</span>
              </button>
              {isOpen && (
                <div className="signin-feed__snapshot">
                  {record.hasSnapshot ? (
                    <SnapshotImage src={api.signInSnapshotUrl(record.id)} alt={record.personName} testId={`signin-snapshot-${record.id}`} failedText={t('signIns.snapshotFailed')} />
                  ) : (
                    <p className="muted">{t('signIns.noSnapshot')}</p>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
