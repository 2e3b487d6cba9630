/**
 * Paths inside a package come from zdsar's own parts only (a position, a sanitised
 * address, our category names), never from text Zoom returned.
 */
export function subjectFolder(index: number, email: string): string {
  const safe = email.toLowerCase().replace(/[^a-z0-9@._+-]/g, '_').replace(/^\.+/, '_').slice(0, 80);
  return `${String(index).padStart(2, '0')}-${safe}`;
}
