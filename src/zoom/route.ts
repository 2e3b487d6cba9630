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

/** An operation of the specs as the limiter sees it (its template and rate category), before any parameter is filled. */
export function operation(method: string, template: string): { template: string; category: RateCategory } {
  const category = table.get(`${method} ${template}`);
  if (category === undefined) throw new Error(`not in Zoom's API specs: ${method} ${template}`);
  return { template, category: category ?? 'medium' };
}

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
 * A meeting or webinar UUID as a path parameter, by the specs' literal rule: "If you provide a meeting
 * UUID that begins with a `/` character or contains the `//` characters, you **must** double-encode the
 * meeting UUID" (meetings.openapi.json). Pass the result as a path parameter (route() encodes it once more).
 */
export function meetingUuidParam(uuid: string): string {
  return uuid.startsWith('/') || uuid.includes('//') ? encodeURIComponent(uuid) : uuid;
}

/**
 * The encodings of a UUID to try, in order: the specs' rule first; for a UUID with a single "/" inside
 * (which the rule encodes once), then the double encoding, for a gateway that turns any %2F into "/"
 * before routing (and so answers 404 to the first). Callers move to the next on a 404 only.
 */
export function meetingUuidParams(uuid: string): string[] {
  const first = meetingUuidParam(uuid);
  return uuid.includes('/') && first === uuid ? [first, encodeURIComponent(uuid)] : [first];
}
