/**
 * Where a signed-in person lands: auditors on the access-record review, everyone else on the
 * monitor wall. A deep link (`?next=`) is honoured only within that person's own page.
 */
export function homeFor(role: string | null | undefined): '/audit' | '/monitor' {
  return role === 'auditor' ? '/audit' : '/monitor';
}

export function landingFor(role: string | null | undefined, asked: string | null | undefined): string {
  const home = homeFor(role);
  if (asked && (asked === home || asked.startsWith(`${home}?`))) return asked;
  return home;
}

/** The sign-in page, with the way back to `at` (a signed-in page's path and query). */
export function signInPath(at: { pathname: string; search: string }): string {
  return `/?next=${encodeURIComponent(`${at.pathname}${at.search}`)}`;
}
