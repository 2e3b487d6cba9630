import type { Command } from 'commander';
import { action, baseOptions, withJson, withZoom, type CommandContext } from './context.js';

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program.command('doctor').description('check the credentials: token, granted and missing scopes per command, Zoom Phone, assumed rate limits');
  withJson(cmd);
  withZoom(cmd);
  cmd
    .addHelpText('after', `\nExamples:\n  $ zdsar doctor\n  $ zdsar doctor --json --plan business\nExit codes: 0 every command has its scopes, 1 some scopes are missing, 3 the credentials were refused.`)
    .action(
      action(ctx, baseOptions.pick({ json: true, plan: true, verbose: true }), async (opts) => {
        const [{ loadPlan, loadZoomCredentials }, { runDoctor }, { createLogger }, { printJson, palette }, { EXIT }] = await Promise.all([
          import('../config.js'),
          import('../doctor.js'),
          import('../ui/logger.js'),
          import('../ui/io.js'),
          import('../errors.js'),
        ]);
        const plan = opts.plan ?? loadPlan(ctx.io.env);
        const creds = loadZoomCredentials(ctx.io.env);
        const report = await runDoctor(creds, plan, ctx.signal, createLogger(ctx.io, { verbose: opts.verbose }));
        const allReady = Object.values(report.commands).every((c) => c.ready);
        if (opts.json) {
          printJson(ctx.io, report);
          return allReady ? EXIT.ok : EXIT.partial;
        }
        const p = palette(ctx.io);
        const out = ctx.io.stdout;
        out.write(`Zoom API      ${report.api_url}\nToken         ${p.green('ok')} (Server-to-Server OAuth)\n`);
        out.write(`Zoom Phone    ${report.zoom_phone}${report.zoom_phone_detail && report.zoom_phone !== 'yes' ? ` (${report.zoom_phone_detail})` : ''}\n`);
        for (const [label, f] of [['Team Chat    ', report.features.team_chat], ['AI summaries ', report.features.ai_summaries]] as const) {
          out.write(`${label} ${f.state === 'ok' ? p.green('ok') : f.state === 'unknown' ? 'unknown' : p.red(f.state.replace('_', ' '))}${f.detail ? ` (${f.detail})` : ''}\n`);
        }
        for (const [name, w] of Object.entries(report.workplace.products)) {
          const state = w.licensed === 'no' ? p.red('not on the account') : !w.permitted ? p.red('not permitted') : w.licensed === 'yes' ? p.green('ok') : 'unknown';
          out.write(`${name.padEnd(13)} ${state}${w.missing_scopes.length ? ` (add ${w.missing_scopes.join(', ')})` : ''}${w.detail && w.licensed !== 'yes' ? ` (${w.detail})` : ''}\n`);
        }
        out.write(`User-level    ${report.workplace.user_level_only.join(', ')}: Zoom grants these to user-level apps only; no admin app can read them for another person\n`);
        out.write(`Rate limits   ${report.plan} plan: ${Object.entries(report.rate_limits).map(([k, v]) => `${k} ${v}`).join(', ')}\n\n`);
        for (const [name, c] of Object.entries(report.commands)) {
          out.write(`${c.ready ? p.green('ready  ') : p.red('missing')}  zdsar ${name}\n`);
          for (const m of c.missing) out.write(`           ${m.operation}: add the scope ${p.bold(m.add ?? '?')} to the app in the Zoom App Marketplace\n`);
        }
        return allReady ? EXIT.ok : EXIT.partial;
      }),
    );
}
