import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A destructive action in two clicks, without a browser dialog (which automated tests and
 * kiosk walls handle badly): the first click asks `question` inline, the second confirms.
 * Test hooks: `testId`, `${testId}-confirm`, `${testId}-cancel`.
 */
export function ConfirmButton({ label, question, onConfirm, testId, disabled }: { label: string; question: string; onConfirm: () => void; testId: string; disabled?: boolean }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger" data-testid={testId} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span className="confirm__question">{question}</span>
      <button
        type="button"
        className="danger"
        data-testid={`${testId}-confirm`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t('common.confirmDelete')}
      </button>
      <button type="button" data-testid={`${testId}-cancel`} onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}
