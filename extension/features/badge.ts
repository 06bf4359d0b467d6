/** The toolbar badge: a red '!' whenever the user has something to do, or Perch cannot do its job. */
import { describeConnection, type ExtensionView } from '@perch/shared';
import { viewItems } from '../utils/storage';
import { loadView } from '../utils/view';

export const badgeColor = '#d93025';

export function badgeFor(view: ExtensionView): string {
  if (!view.paired || !view.serverReachable) return '!';
  // No status yet (just paired, first push in flight): nothing to ask of the user.
  if (!view.status) return '';
  return describeConnection(view.status).needsUser ? '!' : '';
}

export interface ActionApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
}

/** Re-render whenever a stored value the view depends on changes, whoever changed it. */
export function registerBadge({ action }: { action: ActionApi }): { update(): Promise<void> } {
  // Serialised, so a slow older render can never overwrite a newer one.
  let chain: Promise<void> = Promise.resolve();
  const update = () => {
    chain = chain
      .then(async () => {
        await action.setBadgeText({ text: badgeFor(await loadView()) });
      })
      .catch((error: unknown) =>
        console.warn('Perch: badge update failed:', error instanceof Error ? error.message : error),
      );
    return chain;
  };
  for (const item of viewItems) item.watch(() => void update());
  void action.setBadgeBackgroundColor({ color: badgeColor }).catch(() => undefined);
  void update();
  return { update };
}
