import { inspect } from 'node:util';

/**
 * A secret value that cannot be printed by accident: String(), JSON.stringify()
 * and util.inspect() all show "[redacted]". Call reveal() at the one place that sends it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
    rememberSecret(value);
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

const known = new Set<string>();

/** Every secret and token the process has seen; redact() removes them from any text. */
export function rememberSecret(value: string | undefined): void {
  if (value && value.length >= 6) known.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of known) {
    if (out.includes(s)) out = out.split(s).join('[redacted]');
  }
  // Bearer/Basic credentials and token-looking query values, whoever produced them.
  out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [redacted]');
  out = out.replace(/([?&](?:access_token|token|client_secret)=)[^&\s"']+/gi, '$1[redacted]');
  return out;
}
