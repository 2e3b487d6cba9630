/** `zdsar init-profile`: write the controller profile's template, or check the profile in place. */
import type { Command } from 'commander';
import { z } from 'zod';
import { EXIT } from '../errors.js';
import { printJson } from '../ui/io.js';
import { action, withJson, type CommandContext } from './context.js';

const initOptions = z.strictObject({ force: z.boolean().default(false), check: z.boolean().default(false), json: z.boolean().default(false) });

export function register(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('init-profile')
      .description("write the controller profile (ZDSAR_HOME/controller-profile.yaml, 0600): what every access answer must tell the person beside their data (GDPR Art. 15, CCPA right to know)")
      .option('--force', 'replace an existing profile with the template')
      .option('--check', 'write nothing: check the profile and name the fields it lacks'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar init-profile                 write the commented template, then fill it in
  $ zdsar init-profile --check         which fields are still missing
Exit codes: 0 written (with --check: complete), 1 with --check: fields missing, 2 the file exists (without --force) or is not valid (file:line: field).`,
    )
    .action(
      action(ctx, initOptions, async (opts) => {
        const [{ zdsarHome }, { loadProfile, writeProfileTemplate, REQUIRED_FIELDS }] = await Promise.all([import('../config.js'), import('../dsar/article15.js')]);
        const home = zdsarHome(ctx.io.env);
        if (opts.check) {
          const p = await loadProfile(home);
          const exists = p.profile !== undefined;
          if (opts.json) printJson(ctx.io, { path: p.path, exists, complete: p.missing.length === 0, missing: p.missing, required: REQUIRED_FIELDS });
          else ctx.io.stderr.write(!exists ? `${p.path}: no profile yet (zdsar init-profile writes the template)\n` : p.missing.length ? `${p.path}: missing ${p.missing.join(', ')}\n` : `${p.path}: complete\n`);
          return p.missing.length ? EXIT.partial : EXIT.ok;
        }
        const w = await writeProfileTemplate(home, opts.force);
        if (opts.json) printJson(ctx.io, { path: w.path, written: true, replaced: w.replaced });
        else ctx.io.stderr.write(`${w.replaced ? 'Replaced' : 'Wrote'} ${w.path}: fill in every field (zdsar init-profile --check lists what is missing).\n`);
        return EXIT.ok;
      }),
    );
}
