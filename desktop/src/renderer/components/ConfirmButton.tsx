import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A consequential action in two clicks, without a browser dialog (which automated tests and
 * kiosk walls handle badly): the first click asks `question` inline, the second confirms
 * (`confirmLabel`, default 确认删除). `danger` (default true) marks the buttons as destructive.
 * Test hooks: `testId`, `${testId}-confirm`, `${testId}-cancel`.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  testId,
  disabled,
  confirmLabel,
  danger = true,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  testId: string;
  disabled?: boolean;
  confirmLabel?: string;
  danger?: boolean;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const className = danger ? 'danger' : undefined;
  if (!asking) {
    return (
      <button type="button" className={className} data-testid={testId} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span className="confirm__question">{question}</span>
      <button
        type="button"
        className={className}
        data-testid={`${testId}-confirm`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel ?? t('common.confirmDelete')}
      </button>
      <button type="button" data-testid={`${testId}-cancel`} onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}
