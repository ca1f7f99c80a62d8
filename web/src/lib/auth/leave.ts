/** Leaving a signed-in page: close what it holds, forget the token, go to sign-in (or `target`). */
import { goto } from '$app/navigation';
import { clearToken } from './token-store.ts';

export async function leave(close: () => void, target = '/'): Promise<void> {
  close();
  clearToken();
  await goto(target, { replaceState: true });
}
