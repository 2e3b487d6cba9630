/**
 * The Zoom Contact Center categories (issue 28): what each file holds in plain words, the `--skip` group,
 * and the requests the group sends (for --estimate). Plain data, no imports, as workplace-categories.ts.
 * As a customer (anyone, found by their phone number) and as an agent (a Zoom user, by their user id).
 */

export const CONTACT_CENTER_CATEGORIES = [
  { name: 'cc_customer_engagements', file: 'contact_center_customer_engagements.json', group: 'workplace', title: 'Contact Center: your contacts as a customer', explain: 'Your calls, messages and chats with the contact center, found by your phone number: when, how long, which queue, and the notes agents wrote. Each is shown beside the number that found it.' },
  { name: 'cc_voice_calls', file: 'contact_center_voice_calls.json', group: 'workplace', title: 'Contact Center: your voice calls', explain: 'The log of your voice calls with the contact center, found by your phone number: numbers, times, duration, queue, whether it was recorded, and the result.' },
  { name: 'cc_sms', file: 'contact_center_sms.json', group: 'workplace', title: 'Contact Center: your text messages', explain: 'The log of your text-message conversations with the contact center, found by your phone number: times, counts of messages and files sent and received.' },
  { name: 'cc_agent_engagements', file: 'contact_center_agent_engagements.json', group: 'workplace', title: 'Contact Center: engagements you handled', explain: 'Engagements you handled as a Contact Center agent, each with its details and events: when, which channel and queue, durations, dispositions and notes.' },
  { name: 'cc_agent_notes', file: 'contact_center_agent_notes.json', group: 'workplace', title: 'Contact Center: notes on your engagements', explain: 'The notes written on the engagements you handled, each beside its engagement.' },
  { name: 'cc_agent_recordings', file: 'contact_center_agent_recordings.json', group: 'workplace', title: 'Contact Center: recordings of your engagements', explain: 'Recordings of the engagements you handled, with their download, playback and transcript links, each beside its engagement.' },
] as const;

/** The `--skip` group of these categories. */
export const CONTACT_CENTER_OPTIONAL: Record<string, string[]> = {
  contact_center: CONTACT_CENTER_CATEGORIES.map((c) => c.name),
};

/** Months of Contact Center history asked for a person without a Zoom user (whose history has no start) when --from is not given. */
export const CC_DEFAULT_MONTHS = 12;

/**
 * An ordinary account (as estimate.ts ASSUMED, the 50-person benchmark's): few of the people asked about are
 * Contact Center agents (3 in an account of 200), each with a handful of engagements. The phone numbers that
 * can be searched as a customer are those given with the people, counted by the caller.
 */
export const CC_ASSUMED = { agentShare: 0.04, agentEngagementsPerMonth: 0.1 };

/**
 * The requests of the group for `people` people over `monthWindows` one-month windows, `phones` numbers given
 * in all (each searched as a customer over `phoneWindows` one-month windows): [operation, count].
 */
export function contactCenterRequests(people: number, monthWindows: number, phones = 0, phoneWindows = monthWindows): Record<string, Array<[string, number]>> {
  const a = CC_ASSUMED;
  const customers = phones * phoneWindows;
  const agents = people * a.agentShare;
  const engagements = agents * a.agentEngagementsPerMonth * monthWindows;
  return {
    contact_center: [
      // As an agent: every person with a Zoom user is asked about, one month at a time (whether they are an agent is not known before).
      ['GET /contact_center/engagements', customers + people * monthWindows],
      ['GET /contact_center/voice_calls', customers],
      ['GET /contact_center/sms', customers],
      ['GET /contact_center/engagements/{engagementId}', engagements],
      ['GET /contact_center/engagements/{engagementId}/notes', engagements],
      ['GET /contact_center/engagements/{engagementId}/recordings', engagements],
    ],
  };
}
