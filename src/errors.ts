/**
 * Errors that carry an exit code from the CLI contract. Domain code throws these;
 * only src/cli.ts turns them into an exit code and a one-line message.
 */
export const EXIT = {
  ok: 0,
  partial: 1,
  usage: 2,
  auth: 3,
  interrupted: 130,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input or usage: nothing was sent to Zoom. Exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/** Bad credentials or missing scopes. Exit 3. */
export class AuthError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.auth, hint);
  }
}

/**
 * A server could not be reached (refused, reset, DNS, timeout), after the retries the policy allows.
 * Not bad credentials: exit 1, with the cause in the message.
 */
export class ConnectionError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.partial, hint);
  }
}

/** Ctrl-C or another signal: state is saved, `zdsar requests resume <id>` continues. Exit 130. */
export class InterruptedError extends CliError {
  constructor(message = 'interrupted', hint?: string) {
    super(message, EXIT.interrupted, hint);
  }
}

/** The work finished but not everything succeeded (a forged event, some people failed). Exit 1. */
export class PartialFailure extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.partial, hint);
  }
}

/** Where in an input a problem is: "file:line: field: reason". */
export function inputProblem(source: string, line: number | undefined, field: string | undefined, reason: string): string {
  const where = line === undefined ? source : `${source}:${line}`;
  return field ? `${where}: ${field}: ${reason}` : `${where}: ${reason}`;
}

/**
 * Text from Zoom or an event made safe for a terminal: control characters (newlines, ESC and the
 * rest of C0/C1, line and paragraph separators) are shown as \uXXXX, so a field can neither forge
 * an output line nor send escape sequences. The one home for this rule (base layer: workflows and commands use it).
 */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const COMMANDS = 'compliance|delete|doctor|export|redact|registrants|requests|sandbox|verify';
const COMMAND_RE = new RegExp(`(?<!npx )\\bzdsar (?=(?:${COMMANDS})\\b)`, 'g');

/**
 * The one rule for commands named in what we tell the user (errors, hints): as they started zdsar.
 * Started through npx / npm exec (installed without a global bin), `zdsar requests …` reads
 * `npx zdsar requests …`; otherwise unchanged.
 */
export function asInvoked(text: string, env: NodeJS.ProcessEnv): string {
  return env.npm_command === 'exec' ? text.replace(COMMAND_RE, 'npx zdsar ') : text;
}
