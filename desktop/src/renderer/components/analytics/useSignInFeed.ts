import { useEffect, useRef, useState } from 'react';
import type { SignInRecord } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { addSignIn, mergeSignIns, SIGN_IN_FEED_LIMIT, signInFeedOf, type SignInFeed } from '../../analytics/signInFeed.js';
import { formatDay } from '../../format.js';
import type { WallClient } from '../../wallClient.js';

/** What {@link useSignInFeed} gives. */
export interface SignInFeedModel {
  feed: SignInFeed;
  /** The last failure to load the day's list, or null. */
  loadError: unknown;
}

/**
 * Today's sign-ins for a user with `signins.read` (`enabled`): the day's list (`GET
 * /api/sign-ins?day=`, today in UTC+8) at load and after each reconnect, plus live `signIn`
 * events; `onLive` hears each new live one (for a toast).
 */
export function useSignInFeed(client: WallClient | null, enabled: boolean, onLive: (record: SignInRecord) => void): SignInFeedModel {
  const [feed, setFeed] = useState<SignInFeed>(() => signInFeedOf(formatDay(Date.now()), []));
  const [loadError, setLoadError] = useState<unknown>(null);
  const onLiveRef = useRef(onLive);
  useEffect(() => {
    onLiveRef.current = onLive;
  });

  useEffect(() => {
    if (!client || !enabled) return;
    let current = true;
    const load = () => {
      const day = formatDay(Date.now());
      api.listSignIns({ day, limit: SIGN_IN_FEED_LIMIT }).then(
        (records) => {
          if (!current) return;
          setLoadError(null);
          setFeed((previous) => mergeSignIns(previous, day, records));
        },
        (error: unknown) => current && setLoadError(error),
      );
    };
    const offs = [
      client.on('session', load),
      client.on('signIn', (record) => {
        setFeed((previous) => addSignIn(previous, record));
        onLiveRef.current(record);
      }),
    ];
    if (client.currentSession > 0) load();
    return () => {
      current = false;
      for (const off of offs) off();
    };
  }, [client, enabled]);

  return { feed, loadError };
}
