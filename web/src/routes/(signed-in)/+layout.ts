/**
 * The one sign-in guard: every page in this group (/monitor, /incident, /audit) needs a token.
 * Without one the person is sent to sign in, and comes back to the page and query they asked
 * for. Loads run in the browser only (ssr is off), where the token lives.
 */
import { redirect } from '@sveltejs/kit';
import { loadToken, signInPath } from '$lib/auth/index.ts';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = ({ url }) => {
  if (!loadToken()) redirect(307, signInPath(url));
};
