import { OPERATIONS, type RateCategory } from './categories.generated.js';

/** A request target: the spec's path template (for its rate category) and the concrete, encoded path. */
export interface Route {
  method: string;
  template: string;
  path: string;
  /** The path for logs and error messages: a parameter holding an email address shows as "[email]". */
  display: string;
  category: RateCategory;
}

const table = new Map<string, RateCategory | null>(OPERATIONS.map(([op, cat]) => [op, cat]));
export const SCOPES = new Map(OPERATIONS.map(([op, , classic, granular]) => [op, { classic, granular }]));

/**
 * Build a route from a template as Zoom's spec writes it, e.g. route('GET', '/users/{userId}/meetings', { userId }).
 * Each parameter is percent-encoded (an email is a valid userId); "." and ".." are refused.
 * A template missing from Zoom's specs is a programming error, caught by tests.
 */
export function route(method: string, template: string, params: Record<string, string | number> = {}): Route {
  const key = `${method} ${template}`;
  const category = table.get(key);
  if (category === undefined) throw new Error(`not in Zoom's API specs: ${key}`);
  const fill = (shown: (v: string) => string) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined) throw new Error(`missing path parameter ${name} for ${key}`);
      return shown(encodeSegment(String(v)));
    });
  const path = fill((v) => v);
  const display = fill((v) => (isAddress(decodeURIComponent(v)) ? '[email]' : v));
  return { method, template, path, display, category: category ?? 'medium' };
}

/** A path parameter that names a person by address (Zoom accepts an email as a userId). */
function isAddress(value: string): boolean {
  return value.includes('@');
}

export function encodeSegment(value: string): string {
  if (value === '' || value === '.' || value === '..') throw new Error(`unsafe path segment: "${value}"`);
  return encodeURIComponent(value);
}

/**
 * Zoom asks for meeting UUIDs that begin with "/" or contain "//" to be encoded twice; its gateway
 * turns any %2F into "/" before routing, so a UUID with a "/" anywhere is encoded twice here.
 * Pass the result as a path parameter (it is encoded once more by route()).
 */
export function meetingUuidParam(uuid: string): string {
  return uuid.includes('/') ? encodeURIComponent(uuid) : uuid;
}
