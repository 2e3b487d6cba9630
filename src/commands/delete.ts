import type { Command } from 'commander';
import { z } from 'zod';
import { EXIT, UsageError } from '../errors.js';
import { humanTime } from '../dates.js';
import { subjectLabel } from '../ledger/index.js';
import { describePeopleReport } from '../ui/people-report.js';
import type { IO } from '../run-context.js';
import { printJson, writeLine } from '../ui/io.js';
import type { CancelResult } from '../zoom-data-requests/cancel.js';
import type { DeletionResult } from '../zoom-data-requests/deletion.js';
import type { EnginePerson } from '../zoom-data-requests/engine.js';
import type { EarlierPackage } from '../zoom-data-requests/purge.js';
import type { DeletePlan } from '../zoom-data-requests/submit.js';
import { holdText, type HoldFinding } from '../zoom-data-requests/holds.js';
import { certificateLine, certify, type Issued } from './certify.js';
import { identityGiven, identityOptions, withIdentity } from './identity-options.js';
import { action, baseOptions, numberOption, peopleOptions, planOf, runContext, warnIfLate, withJson, withPeople, withRequest, withZoom, type CommandContext } from './context.js';

const deleteOptions = baseOptions.extend({
  ...peopleOptions.shape,
  yes: z.boolean().default(false),
  wait: z.boolean().default(false),
  maxWait: numberOption('--max-wait', 'a number of minutes above 0', (n) => n > 0)
    .transform((m) => m * 60_000)
    .default(3 * 3_600_000),
  purgePackages: z.boolean().default(false),
  checkHolds: z.boolean().default(false),
  overrideHold: z.boolean().default(false),
  ...identityOptions.shape,
});

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('delete')
    .description("erase people's data through Zoom's own Data & Privacy deletion (dry run unless --yes; revocable for 30 minutes)");
  withPeople(cmd);
  withJson(cmd);
  cmd
    .option('--yes', 'submit: without it delete only prints what it would submit, and sends nothing to Zoom')
    .option('--wait', 'stay until Zoom has finished (more than 10 people: submit each group of 10 as Zoom frees its one slot)')
    .option('--max-wait <minutes>', 'with --wait: the longest wait (default 180)')
    .option('--purge-packages', 'also delete earlier zdsar export packages of these people once Zoom accepted the erasure')
    .option('--check-holds', "dry run: read the people's Team Chat legal holds from Zoom (a dry run otherwise sends nothing); --yes always reads them")
    .option('--override-hold', 'with --yes: submit people under a legal hold too (needs --reason; recorded, and named in the certificate)');
  withRequest(cmd, 'erasure');
  withIdentity(cmd);
  withZoom(cmd);
  cmd
    .addHelpText(
      'after',
      `
Zoom's Data & Privacy deletion removes ALL of a user's meeting, webinar, Team Chat and whiteboard data
(accounts.openapi.json POST /data_requests/requests, request_type DELETE). It covers users of the account;
Zoom refuses other addresses. Zoom takes at most 10 addresses per request and one request at a time.

A deletion can be revoked for 30 minutes after Zoom accepted it:
  $ zdsar requests cancel <id>
After that Zoom answers that it is processing (422, code 14106) and the data cannot be recovered.

Examples:
  $ zdsar delete --emails jordan@example.com                 dry run: nothing is sent to Zoom
  $ zdsar delete --emails jordan@example.com --yes           submit; prints the 30-minute window
  $ zdsar delete --csv people.csv --yes --purge-packages     also delete earlier zdsar packages of them
  $ zdsar requests resume <id>                               submit the next group / record Zoom's states

Exit codes: 0 submitted (or dry run), 1 some were refused or could not be submitted, 2 bad input, 3 credentials or scopes.`,
    )
    .action(
      action(ctx, deleteOptions, async (o) => {
        const { dryRunHolds, planDelete, submitDelete } = await import('../zoom-data-requests/submit.js');
        const plan = planOf(ctx, o);
        // --reason goes with --override-hold and with --no-identity-check (one reason, recorded for each given).
        if (o.overrideHold && !o.reason?.trim()) throw new UsageError('--override-hold needs --reason TEXT (recorded, and named in the erasure certificate)');
        if (o.reason !== undefined && o.identityCheck && !o.overrideHold) throw new UsageError('--reason is for --no-identity-check or --override-hold');
        const overrideHold = o.overrideHold ? { reason: o.reason!.trim() } : undefined;
        const identity = identityGiven({ ...o, reason: o.identityCheck ? undefined : o.reason });
        const planned = await planDelete({ env: ctx.io.env, stdin: ctx.io.stdin, csv: o.csv, emails: o.emails, emailColumn: o.emailColumn, phoneColumn: o.phoneColumn });
        if (!o.json) for (const l of describePeopleReport(planned.input)) writeLine(ctx.io.stderr, l);
        if (!o.yes) {
          const holds = o.checkHolds ? await dryRunHolds(ctx.io.env, planned, { plan }, runContext(ctx, o)) : undefined;
          return renderDryRun(ctx.io, planned, { ...o, identity: Boolean(identity), holds });
        }
        const d = await submitDelete(ctx.io.env, planned, { identity, overrideHold, plan, wait: o.wait, maxWaitMs: o.maxWait, purgePackages: o.purgePackages, requester: o.requester, reference: o.reference, received: o.received, regime: o.regime, showEmails: o.showEmails }, runContext(ctx, o));
        await warnIfLate(ctx, d.request);
        return renderDeletion(ctx.io, d, o, await certify(ctx.io.env, d.request.request_id));
      }),
    );
}

/** Said in every dry run: Zoom's deletion never reaches people who are not Zoom users (outside registrants). */
const ZOOM_USERS_ONLY = "Zoom's Data & Privacy deletion acts only on Zoom users of this account: a person with no Zoom user (e.g. found only as a meeting or webinar registrant) is not deleted by it. Erase their registrations with zdsar registrants erase.";

/** Said in a dry run without --check-holds. */
const HOLDS_NOT_CHECKED = 'Legal holds were NOT checked: a dry run sends nothing to Zoom. --check-holds reads them (one Resource-intensive request, then one Light request per held person and matter); --yes always reads them and does not submit a held person (GDPR Art. 17(3)(e)).';

function renderDryRun(io: IO, d: DeletePlan, o: { json: boolean; showEmails: boolean; purgePackages: boolean; identity: boolean; holds?: Map<string, HoldFinding[]> }): number {
  const { people, flying, toSubmit, batches, earlier, input, noZoomUser } = d;
  const nonUser = new Map(noZoomUser.map((x) => [x.email, x]));
  const heldOf = (email: string) => o.holds?.get(email.toLowerCase());
  if (o.json) {
    printJson(io, {
      dry_run: true,
      input,
      would_submit: batches.map((b, i) => ({ batch: i + 1, request_type: 'DELETE', people: b.filter((p) => !heldOf(p.email)).map((p) => ({ index: p.index, email: p.email })) })),
      legal_holds: o.holds
        ? { checked: true, held: toSubmit.filter((p) => heldOf(p.email)).map((p) => ({ index: p.index, email: p.email, matters: heldOf(p.email), note: holdText(heldOf(p.email)!) })) }
        : { checked: false, note: HOLDS_NOT_CHECKED },
      already_in_flight: [...flying].map(([email, id]) => ({ email, request_id: id })),
      earlier_packages: earlier,
      purge_packages: o.purgePackages,
      identity_given: o.identity,
      // Zoom's deletion acts on Zoom users only; these had none when an earlier export looked.
      no_zoom_user: noZoomUser.map((x) => ({ index: people.find((p) => p.email === x.email)!.index, email: x.email, found_by: x.request_id })),
      note: ZOOM_USERS_ONLY,
    });
    return EXIT.ok;
  }
  const label = (i: number) => subjectLabel({ subjects: people }, i, o.showEmails);
  const w = (s: string) => writeLine(io.stderr, s);
  w(`zdsar delete would ask Zoom (Data & Privacy) to delete ALL data of ${toSubmit.length} ${toSubmit.length === 1 ? 'person' : 'people'}: their meeting, webinar, Team Chat and whiteboard data. Once done it cannot be recovered.`);
  // A destructive command's dry run shows exactly who would be affected: addresses, and where they came from.
  for (const [i, b] of batches.entries()) {
    w(`  Zoom request ${i + 1} of ${batches.length}:`);
    for (const p of b) {
      const n = nonUser.get(p.email);
      const h = heldOf(p.email);
      w(`    #${p.index} ${p.email} (${p.source}${input.column !== undefined ? `, column ${JSON.stringify(input.column)}` : ''})${n ? `: NO ZOOM USER (export ${n.request_id}): nothing of theirs is deleted by this` : ''}${h ? `: UNDER LEGAL HOLD: ${holdText(h)}; not submitted by --yes (GDPR Art. 17(3)(e)) unless --override-hold --reason` : ''}`);
    }
  }
  w(ZOOM_USERS_ONLY);
  if (o.holds) w(`Legal holds checked in Zoom: ${toSubmit.filter((p) => heldOf(p.email)).length} of ${toSubmit.length} under hold.`);
  else w(HOLDS_NOT_CHECKED);
  for (const [email, id] of flying) w(`  ${label(people.find((p) => p.email === email)!.index)}: already being deleted by ${id}; not submitted again`);
  if (batches.length > 1) w(`Zoom takes one data request at a time: request 1 is submitted now, the others after it is done (zdsar requests resume, or --wait).`);
  w(`Each deletion can be revoked for 30 minutes after Zoom accepts it: zdsar requests cancel <id>.`);
  renderEarlier(io, earlier, o.purgePackages, true);
  if (!o.identity) w(`No identity verification given: with --yes the deletion is recorded and refused until it is (--identity-method, --identity-evidence, --identity-verifier; or zdsar requests verify-identity <id>).`);
  w(o.holds ? `Dry run: only the legal holds were read from Zoom; nothing was submitted. Run again with --yes to submit.` : `Dry run: nothing was sent to Zoom. Run again with --yes to submit.`);
  return EXIT.ok;
}

/** What a submit or a resume of a Zoom deletion did; its exit code. */
export function renderDeletion(io: IO, d: DeletionResult, show: { json: boolean; showEmails: boolean }, cert?: Issued): number {
  const { result, earlier, purged, request: r } = d;
  const id = r.request_id;
  const json = show.json;
  const label = (i: number) => subjectLabel(r, i, show.showEmails);
  const sub = (st: (p: EnginePerson) => boolean) => result.people.filter(st);
  const accepted = sub((p) => Boolean(p.cp?.zoom_request_id) && p.cp?.state !== 'Canceled');
  const queuedP = sub((p) => !p.cp || p.cp.state === 'queued' || p.cp.state === 'submitting');
  const failed = sub((p) => p.status === 'failed');
  const skipped = sub((p) => p.status === 'skipped');
  const windows = [...new Set(accepted.filter((p) => p.cp?.cancel_until && Date.parse(p.cp.cancel_until) > Date.now() && (p.cp.state === 'Pending' || p.cp.state === undefined)).map((p) => p.cp!.cancel_until!))].sort();
  const refused = skipped.filter((p) => p.cp?.state === 'rejected' || p.cp?.state === 'held');
  const code = result.fatal ? EXIT.auth : failed.length || refused.length || (result.stopped && !accepted.length && queuedP.length) ? EXIT.partial : EXIT.ok;
  if (json) {
    printJson(io, {
      request_id: id,
      status: r.status,
      submitted: accepted.map((p) => ({ index: p.index, email: p.email, zoom_request_id: p.cp!.zoom_request_id, state: p.cp!.state, cancel_until: p.cp!.cancel_until })),
      queued: queuedP.map((p) => ({ index: p.index, email: p.email })),
      skipped: skipped.map((p) => ({ index: p.index, email: p.email, note: p.cp?.note, ...(p.cp?.state === 'held' ? { legal_hold: p.cp.holds } : {}) })),
      failed: failed.map((p) => ({ index: p.index, email: p.email, error: p.error })),
      ...(windows.length ? { cancel_until: windows[windows.length - 1], cancel_command: `zdsar requests cancel ${id}` } : {}),
      ...(queuedP.length ? { resume_command: `zdsar requests resume ${id}` } : {}),
      ...(result.stopped ? { stopped: result.stopped } : {}),
      earlier_packages: earlier,
      purged,
      ...(cert ? { certificate: cert } : {}),
    });
  } else {
    const w = (s: string) => writeLine(io.stderr, s);
    if (accepted.length) {
      w(`Zoom accepted the deletion of ${accepted.map((p) => label(p.index)).join(', ')} (request ${id}).`);
      if (windows.length) w(`It can still be revoked until ${humanTime(windows[windows.length - 1]!)} (30 minutes after Zoom accepted it): zdsar requests cancel ${id}`);
    }
    for (const p of skipped) w(`${label(p.index)}: not submitted: ${p.cp?.note ?? 'skipped'}`);
    for (const p of failed) w(`${label(p.index)}: failed: ${p.error ?? 'refused by Zoom'}`);
    if (queuedP.length) {
      const ours = accepted.some((p) => p.cp?.state === 'Pending' || p.cp?.state === 'Processing');
      const busy = ours ? `and holds the account's one slot for the deletion above (Pending through its 30-minute window, then processing)` : result.stopped ? `(${result.stopped})` : '';
      w(`${queuedP.map((p) => label(p.index)).join(', ')}: queued. Zoom takes one data request at a time ${busy}; submit them once it is free${windows.length ? ` (after ${humanTime(windows[windows.length - 1]!)} at the earliest)` : ''}: zdsar requests resume ${id}`);
    }
    if (result.fatal) w(`Zoom refused: ${result.stopped}. Check the app's scopes (data_request:write:request:admin) with zdsar doctor.`);
    renderEarlier(io, earlier, purged.length > 0, false, purged);
    certificateLine(io, cert);
    io.stdout.write(id + '\n');
  }
  return code;
}

function renderEarlier(io: IO, earlier: EarlierPackage[], purging: boolean, dryRun: boolean, purged: string[] = []): void {
  if (earlier.length === 0) return;
  const w = (s: string) => writeLine(io.stderr, s);
  if (purged.length) {
    w(`Deleted earlier zdsar packages of these people: ${purged.join(', ')}`);
    return;
  }
  w(`Earlier zdsar packages hold copies of these people's data:`);
  for (const e of earlier) w(`  ${e.request_id} (${e.created_at.slice(0, 10)}, ${e.people.length} of them${e.whole ? ', the whole package' : ''}): ${e.out_dir}`);
  if (dryRun && purging) w(`With --purge-packages they are deleted once Zoom accepts the erasure.`);
  else w(`To delete them too, run the same command with --purge-packages (people whose deletion is already in flight are not submitted again).`);
}

/** What `requests cancel` did to a Zoom deletion; its exit code. */
export function renderCancel(io: IO, c: CancelResult, label: (i: number) => string, json: boolean): number {
  const { request_id: id, allRevoked, revoked, unsent, tooLate, errors, targets, windowEnd } = c;
  if (json) {
    printJson(io, {
      request_id: id,
      canceled: allRevoked,
      revoked: revoked.map((p) => ({ index: p.index, zoom_request_id: p.cp?.zoom_request_id })),
      not_submitted: unsent.map((p) => ({ index: p.index })),
      too_late: tooLate.map(({ p, why }) => ({ index: p.index, zoom_request_id: p.cp?.zoom_request_id, error: why })),
      errors: errors.map(({ p, why }) => ({ index: p.index, zoom_request_id: p.cp?.zoom_request_id, error: why })),
      ...(windowEnd ? { cancel_until: windowEnd } : {}),
    });
  } else {
    const w = (s: string) => writeLine(io.stderr, s);
    if (revoked.length) w(`Revoked Zoom's deletion of ${revoked.map((p) => label(p.index)).join(', ')}: Zoom will not delete their data.`);
    if (unsent.length) w(`${unsent.map((p) => label(p.index)).join(', ')}: never submitted to Zoom; will not be.`);
    if (tooLate.length) {
      w(`Could not revoke ${tooLate.map(({ p }) => label(p.index)).join(', ')}: Zoom is already deleting their data and it can no longer be canceled (${tooLate[0]!.why}).`);
      if (windowEnd) w(`The 30-minute window ended at ${humanTime(windowEnd)}.`);
    }
    for (const { p, why } of errors) w(`${label(p.index)}: Zoom did not cancel: ${why}`);
    if (allRevoked) w(`Canceled ${id}.`);
    else if (targets.length === 0 && unsent.length === 0) w(`Nothing to revoke in ${id}.`);
  }
  return allRevoked ? EXIT.ok : EXIT.partial;
}
