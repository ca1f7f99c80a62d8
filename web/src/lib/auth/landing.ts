/**
 * Where a signed-in person lands: auditors on the access-record review, everyone else on the
 * monitor wall. A deep link (`?next=`) is honoured only within that person's own pages (for
 * everyone but auditors: the wall, the incident board, the grants page and shared views).
 */
export function homeFor(role: string | null | undefined): '/audit' | '/monitor' {
  return role === 'auditor' ? '/audit' : '/monitor';
}

const OPERATOR_PAGES = ['/monitor', '/incident', '/grants', '/share'] as const;

export function landingFor(role: string | null | undefined, asked: string | null | undefined): string {
  const home = homeFor(role);
  const pages = home === '/audit' ? [home] : OPERATOR_PAGES;
  if (asked && pages.some((page) => asked === page || asked.startsWith(`${page}?`) || asked.startsWith(`${page}/`))) return asked;
  return home;
}

/** The sign-in page, with the way back to `at` (a signed-in page's path and query). */
export function signInPath(at: { pathname: string; search: string }): string {
  return `/?next=${encodeURIComponent(`${at.pathname}${at.search}`)}`;
}
