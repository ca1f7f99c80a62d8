/** Camera colours by category (the registry's Korean names); anything else is grey. */
export const CATEGORY_COLORS: Readonly<Record<string, string>> = {
  교통단속: '#4aa3ff',
  생활방범: '#3ecf8e',
  어린이보호: '#f5c542',
  재난재해: '#c77dff'
};
const OTHER_COLOR = '#9aa4b2';

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category] ?? OTHER_COLOR;
}
