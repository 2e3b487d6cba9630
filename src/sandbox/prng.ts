/** Seeded randomness and id helpers for the sandbox. Deterministic: same seed, same output. */

/** mulberry32: small, fast, good enough for test data and fault draws. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string, mixed with a seed. */
export function hash32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) derived from a key: order-independent randomness. */
export function unitFromKey(key: string, seed: number): number {
  return mulberry32(hash32(key, seed))();
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Zoom-looking 22-character ids (user ids, registrant ids: base64url of 16 bytes). */
export function zoomId(rand: () => number, length = 22): string {
  let s = '';
  for (let i = 0; i < length; i++) s += B64URL[Math.floor(rand() * 64)];
  return s;
}

/** Meeting UUIDs are base64 of 16 bytes, ending in "==" (and may contain "/" or "+"). */
export function meetingUuid(rand: () => number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < 22; i++) s += chars[Math.floor(rand() * 64)];
  return s + '==';
}

export function alnum(rand: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[Math.floor(rand() * ALNUM.length)];
  return s;
}

export function hex(rand: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/** A v4-shaped UUID (phone call log ids and similar). */
export function uuidV4(rand: () => number): string {
  const h = hex(rand, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[Math.floor(rand() * 4)]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export function intBetween(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}
