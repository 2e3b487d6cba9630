/**
 * How people are named in lines for people (stderr): by position (#N) unless --show-emails.
 * mask() is the last net for text that was not built with a display form, e.g. Zoom's own
 * error messages ("User does not exist: ann@example.com") and paths naming a user by address.
 */
const ADDRESS = /[A-Za-z0-9._%+'-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi;

export function addressMask(people: ReadonlyArray<{ index: number; email?: string }>, showEmails: boolean): (text: string) => string {
  if (showEmails) return (s) => s;
  const known = new Map<string, string>();
  for (const p of people) {
    if (!p.email) continue;
    const e = p.email.toLowerCase();
    known.set(e, `#${p.index}`);
    known.set(encodeURIComponent(e).toLowerCase(), `#${p.index}`);
  }
  return (text) => text.replace(ADDRESS, (m) => known.get(m.toLowerCase()) ?? '[email]');
}
