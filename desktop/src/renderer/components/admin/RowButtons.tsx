import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../ConfirmButton.js';

/** A table row's 编辑 button (`row-edit`): opens the row's form. */
export function RowEditButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" data-testid="row-edit" onClick={onClick}>
      {t('common.edit')}
    </button>
  );
}

/** A table row's 删除 button (`row-delete`, then `row-delete-confirm`): asks `question`, then calls `onConfirm`. */
export function RowDeleteButton({ question, onConfirm }: { question: string; onConfirm: () => void }) {
  const { t } = useTranslation();
  return <ConfirmButton testId="row-delete" label={t('common.delete')} question={question} onConfirm={onConfirm} />;
}
