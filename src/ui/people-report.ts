/**
 * How the rows of a people input became people (src/people/subjects.ts builds the report), as lines
 * for stderr: no addresses, only line numbers and #N.
 */
export interface PeopleReportView {
  source: string;
  column?: string;
  other_columns: string[];
  phone_column?: string;
  other_emails_column?: string;
  rows: number;
  people: number;
  mapping: Array<{ index: number; lines: number[] }>;
  merged: Array<{ line: number; index: number }>;
  blank_lines: number[];
}

const quoted = (hs: string[]) => hs.map((h) => JSON.stringify(h)).join(', ');

/**
 * What to tell the user about how rows became people (stderr; no addresses). Silent for a plain
 * --emails list whose items are all distinct.
 */
export function describePeopleReport(r: PeopleReportView): string[] {
  const csv = r.column !== undefined;
  const unit = csv ? 'line' : 'item';
  if (!csv && r.merged.length === 0) return [];
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : w === 'person' ? '' : 's'}`;
  const out = [`${r.source}: ${plural(r.rows, csv ? 'row' : 'item')} → ${r.people} ${r.people === 1 ? 'person' : 'people'}${csv ? ` (addresses from column ${JSON.stringify(r.column)})` : ''}`];
  if (r.phone_column !== undefined) out.push(`  phone numbers from column ${JSON.stringify(r.phone_column)} (--phone-column NAME chooses another)`);
  if (r.other_emails_column !== undefined) out.push(`  further addresses of each person from column ${JSON.stringify(r.other_emails_column)}`);
  if (r.other_columns.length) out.push(`  not used: column${r.other_columns.length > 1 ? 's' : ''} ${quoted(r.other_columns)} (--email-column NAME chooses another)`);
  for (const m of r.merged) out.push(`  ${unit} ${m.line} repeats #${m.index} (${unit} ${r.mapping.find((x) => x.index === m.index)!.lines[0]}): merged`);
  if (r.blank_lines.length) out.push(`  blank ${r.blank_lines.length === 1 ? 'line' : 'lines'} skipped: ${r.blank_lines.join(', ')}`);
  if (csv) out.push(`  ${r.mapping.map((m) => `#${m.index} = ${unit} ${m.lines.join('+')}`).join(', ')}`);
  return out;
}
