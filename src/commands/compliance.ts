import type { Command } from 'commander';
import { z } from 'zod';
import { parsePort, parseTolerance } from '../compliance/input.js';
import { action, withJson, type CommandContext } from './context.js';

/**
 * `zdsar compliance verify|notify|listen|status`: Zoom's app_deauthorized event and the Data
 * Compliance API. The webhook secret token comes from ZOOM_WEBHOOK_SECRET_TOKEN (or _FILE),
 * the app's credentials from ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET: never from flags.
 */

const tolerance = z
  .string()
  .optional()
  .transform((v) => parseTolerance(v, 300));

const eventOptions = z.strictObject({
  event: z.string().optional(),
  signature: z.string().optional(),
  timestamp: z.string().optional(),
  tolerance,
  json: z.boolean().default(false),
});

function withEvent(cmd: Command): Command {
  return cmd
    .option('--event <file>', 'the raw JSON body of the delivery, byte for byte ("-" for standard input)')
    .option('--signature <value>', 'the x-zm-signature header Zoom sent with it (v0=…)')
    .option('--timestamp <value>', 'the x-zm-request-timestamp header Zoom sent with it (Unix seconds)')
    .option('--tolerance <seconds>', 'how old (or new) the timestamp may be', '300');
}

export function register(program: Command, ctx: CommandContext): void {
  const compliance = program
    .command('compliance')
    .description("Zoom's app-deauthorization event and the Data Compliance notice (ten-day deadline)")
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar compliance verify --event body.json --signature "v0=…" --timestamp 1718000000
  $ zdsar compliance notify --event body.json --signature "v0=…" --timestamp 1718000000
  $ zdsar compliance listen --port 8787 --on-deauthorize ./delete-user.sh --notify
  $ zdsar compliance status --json

The webhook secret token is read from ZOOM_WEBHOOK_SECRET_TOKEN; the app's credentials from
ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET. Exit codes: 0 authentic and done, 1 forged, stale or
not accepted, 2 malformed input, 3 credentials refused.`,
    );

  withJson(
    withEvent(
      compliance
        .command('verify')
        .description('say whether an event is authentic (signed with the secret token) and fresh; exit 0, 1 forged/stale, 2 malformed'),
    ),
  )
    .addHelpText('after', '\nExample:\n  $ zdsar compliance verify --event body.json --signature "v0=5f3c…" --timestamp 1718000000 --json')
    .action(
      action(ctx, eventOptions, async (opts) => {
        const { runVerify } = await import('./compliance-run.js');
        return runVerify(ctx, opts);
      }),
    );

  withJson(
    withEvent(
      compliance
        .command('notify')
        .description(
          "for an authentic app_deauthorized event, tell Zoom the user's data was deleted (POST /oauth/data/compliance), once per event",
        ),
    ).option('--force', 'send the notice again even if the ledger says it was sent'),
  )
    .addHelpText(
      'after',
      `
user_data_retention true: nothing is owed and nothing is sent. false, null or absent: the notice is
sent; a 404/410 from Zoom's (deprecated) endpoint is recorded as "retired" (exit 0).

Example:
  $ zdsar compliance notify --event body.json --signature "v0=5f3c…" --timestamp 1718000000`,
    )
    .action(
      action(ctx, eventOptions.extend({ force: z.boolean().default(false) }), async (opts) => {
        const { runNotify } = await import('./compliance-run.js');
        return runNotify(ctx, opts);
      }),
    );

  compliance
    .command('listen')
    .description('receive Zoom webhooks on 127.0.0.1 (for development): answer URL validation, verify and record deauthorizations')
    .option('--port <n>', 'the port to listen on (0 picks a free one)', '0')
    .option('--tolerance <seconds>', 'how old (or new) a delivery timestamp may be', '300')
    .option('--on-deauthorize <command>', "a shell command that deletes the user's data; gets ZOOM_USER_ID, ZOOM_ACCOUNT_ID, ZOOM_EVENT_FILE… (never the secrets)")
    .option('--notify', 'send the Data Compliance notice automatically (after --on-deauthorize exits 0)')
    .addHelpText(
      'after',
      `
The bound URL is printed on stderr; stdout gets one JSON line per event, the first being
{"kind":"listening","url":…,"port":…}. Stop with Ctrl-C.

Example:
  $ zdsar compliance listen --port 8787 --on-deauthorize 'node scripts/forget-user.js' --notify`,
    )
    .action(
      action(
        ctx,
        z.strictObject({ port: z.string().optional().transform(parsePort), tolerance, onDeauthorize: z.string().optional(), notify: z.boolean().default(false) }),
        async (opts) => {
          const { runListen } = await import('./compliance-run.js');
          return runListen(ctx, opts);
        },
      ),
    );

  withJson(
    compliance
      .command('status')
      .description('deauthorization events received, notified, pending and overdue (ten days after deauthorization_time)'),
  )
    .addHelpText('after', '\nExample:\n  $ zdsar compliance status --json')
    .action(
      action(ctx, z.strictObject({ json: z.boolean().default(false) }), async (opts) => {
        const { runStatus } = await import('./compliance-run.js');
        return runStatus(ctx, opts);
      }),
    );
}
