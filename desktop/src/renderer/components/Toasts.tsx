import { useCallback, useEffect, useRef, useState } from 'react';

/** How long a toast stays, ms. */
export const TOAST_MS = 6000;
/** Toasts shown at once; older ones go first. */
const MAX_TOASTS = 4;

export interface Toast {
  id: number;
  text: string;
}

/** A short-lived notice queue: `show(text)` adds one that leaves by itself after {@link TOAST_MS}. */
export function useToasts(): { toasts: Toast[]; show: (text: string) => void; dismiss: (id: number) => void } {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Set<number>());
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);
  const show = useCallback(
    (text: string) => {
      const id = next.current++;
      setToasts((list) => [...list, { id, text }].slice(-MAX_TOASTS));
      const timer = window.setTimeout(() => {
        timers.current.delete(timer);
        dismiss(id);
      }, TOAST_MS);
      timers.current.add(timer);
    },
    [dismiss],
  );
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) window.clearTimeout(timer);
    };
  }, []);
  return { toasts, show, dismiss };
}

/** The toasts, top right over everything; click one to dismiss it. Test hooks: `toasts`, `toast` (each). */
export function Toasts({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss: (id: number) => void }) {
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <button key={toast.id} type="button" className="toast" data-testid="toast" onClick={() => onDismiss(toast.id)}>
          {toast.text}
        </button>
      ))}
    </div>
  );
}
