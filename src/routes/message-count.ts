// Who a one-time message will reach (SPEC O3), as the compose page's live count, the send
// confirmation and an armed message's progress show it: per channel how many the filters
// match, how many will receive it, and everyone left out, by reason — a recipient without a
// value the text cannot do without included. A message to appointments counts appointments.
import { studioCountry } from "../core/country.ts";
import { getSettings } from "../db/settings.ts";
import type { ChannelCount, ComposeState, CountData } from "../core/message-pages.ts";
import { messageDecisions } from "../automation/one-time.ts";
import {
  describeFilters,
  hasAppointmentFilter,
  type MessageFilters,
  parseMessageFilters,
} from "../core/message-filters.ts";
import type { MessageInput } from "../core/message-input.ts";
import { toE164 } from "../core/phone.ts";
import type { Decision } from "../core/recipients.ts";
import { calledInsteadOfTexted, expectedCall, who } from "../core/sms-or-call.ts";
import { type AudienceNeeds, audienceSummary } from "../db/message-audience.ts";
import { filterNames } from "../db/message-pages.ts";
import type { Message } from "../db/messages.ts";
import { type Channel, CHANNELS } from "../core/vocabulary.ts";
import type { Ctx } from "../http/env.ts";
import { formId } from "../http/form-values.ts";
import { rawFilters, stateChannels, storedFilters } from "./message-form.ts";
import { audienceNeeds } from "./message-values.ts";

/** A message as the count reads it: its recipients and the text that decides who has every value. */
export type Audience = {
  channels: Channel[];
  filters: MessageFilters;
  toAddress: string | null;
  callOnlyIfNoSms: boolean;
  subject: string;
  preheader: string;
  body: string;
  smsBody: string;
  voiceScript: string;
  /** The job it was started from. */
  jobId: number | null;
};

const isChannel = (ch: unknown): ch is Channel => CHANNELS.includes(ch as Channel);

/** The audience a saved message stands for. */
export const fromMessage = (m: Message): Audience => ({
  channels: m.channels.filter(isChannel),
  filters: storedFilters(m),
  toAddress: m.toAddress,
  callOnlyIfNoSms: m.callOnlyIfNoSms,
  subject: m.subject,
  preheader: m.preheader,
  body: m.body,
  smsBody: m.smsBody,
  voiceScript: m.voiceScript,
  jobId: m.jobId,
});

/** The audience of a checked message input (form or API). */
export const fromInput = (m: MessageInput): Audience => ({
  channels: m.channels,
  filters: m.filters,
  toAddress: m.to_address ?? null,
  callOnlyIfNoSms: m.call_only_if_no_sms,
  subject: m.subject ?? "",
  preheader: m.preheader ?? "",
  body: m.body ?? "",
  smsBody: m.sms_body ?? "",
  voiceScript: m.voice_script ?? "",
  jobId: m.job_id ?? null,
});

/** The audience of a compose form as typed. */
export const fromState = (s: ComposeState, filters: MessageFilters, channels: Channel[]): Audience => ({
  channels,
  filters,
  toAddress: null,
  callOnlyIfNoSms: !!s.values.call_only_if_no_sms,
  subject: s.values.subject ?? "",
  preheader: s.values.preheader ?? "",
  body: s.values.body ?? "",
  smsBody: s.values.sms_body ?? "",
  voiceScript: s.values.voice_script ?? "",
  jobId: formId(s.values.job_id),
});

const sortExcluded = (excluded: Partial<Record<string, number>>) =>
  Object.entries(excluded)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => ({ reason, n: n! }))
    .sort((a, b) => b.n - a.n);

/** Who is called instead of texted, and who is texted (their call, if any, is not needed). */
function smsOrCallStory(decided: { channel: Channel; decisions: Decision[] }[]) {
  const sms = decided.find((x) => x.channel === "sms")?.decisions ?? [];
  const calls = decided.find((x) => x.channel === "voice")?.decisions ?? [];
  return { calledInstead: calledInsteadOfTexted(sms, calls), texted: new Set(sms.filter((d) => !d.skip).map(who)) };
}

type Story = ReturnType<typeof smsOrCallStory>;
const noStory: Story = { calledInstead: new Set(), texted: new Set() };

/**
 * One channel's count for a message that calls only where its SMS cannot go, from the decisions
 * the send will make: a text to a number not checked yet may turn out to be a landline's (then
 * it is called instead), and a call waits on its SMS — said, not hidden in a single number.
 */
function smsOrCallCount(
  channel: Channel,
  decisions: Decision[],
  callFallback: boolean,
  story: Story = noStory,
): ChannelCount {
  const excluded: Record<string, number> = {};
  let willReceive = 0;
  let unchecked = 0;
  let ifSmsCannot = 0;
  let instead = 0;
  for (const d of decisions) {
    // An SMS that cannot go while the call does is no one left out: they are called instead; and
    // a call not placed (for whatever reason) to someone who gets the SMS is simply not needed.
    if (d.skip && channel === "sms" && story.calledInstead.has(who(d))) instead++;
    else if (d.skip && channel === "voice" && callFallback && story.texted.has(who(d)))
      excluded.sms_sent_instead = (excluded.sms_sent_instead ?? 0) + 1;
    else if (d.skip) excluded[d.skip] = (excluded[d.skip] ?? 0) + 1;
    else if (channel === "voice" && expectedCall(d) === "sms_instead")
      excluded.sms_sent_instead = (excluded.sms_sent_instead ?? 0) + 1;
    else if (channel === "voice" && expectedCall(d) === "unknown") ifSmsCannot++;
    else {
      willReceive++;
      if (callFallback && channel === "sms" && (!d.lineType || d.lineType === "unknown")) unchecked++;
    }
  }
  const count: ChannelCount = { channel, matched: decisions.length, willReceive, excluded: sortExcluded(excluded) };
  if (unchecked) count.unchecked = unchecked;
  if (ifSmsCannot) count.ifSmsCannot = ifSmsCannot;
  if (instead) count.calledInstead = instead;
  return count;
}

/** Per channel: how many the filters match, how many will receive it, and who will not, by reason. */
export async function countAudience(
  c: Ctx,
  a: Audience,
  timeZone: string,
  needs?: AudienceNeeds,
): Promise<ChannelCount[]> {
  const deps = c.get("deps");
  const now = deps.clock();
  const channels = a.channels.length ? a.channels : (["email"] as Channel[]);
  if (a.toAddress) {
    const ok = channels.includes("email")
      ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.toAddress)
      : !!toE164(a.toAddress, studioCountry(await getSettings(deps.db)));
    if (!ok)
      return channels.map((channel) => ({
        channel,
        matched: 1,
        willReceive: 0,
        excluded: [{ reason: "no_address", n: 1 }],
      }));
    // A typed number may get the SMS, the call, or the call only if the SMS cannot go.
    const fallback = a.callOnlyIfNoSms && channels.includes("sms") && channels.includes("voice");
    const decided = await messageDecisions(deps, { ...a, channels }, now);
    const story = fallback ? smsOrCallStory(decided) : noStory;
    return decided.map(({ channel, decisions }) => smsOrCallCount(channel, decisions, fallback, story));
  }
  if (a.callOnlyIfNoSms && a.channels.includes("sms") && a.channels.includes("voice")) {
    // "Call only where SMS cannot go" depends on both channels' decisions: count what the send will do.
    const decided = await messageDecisions(deps, a, now);
    const story = smsOrCallStory(decided);
    return decided.map(({ channel, decisions }) => {
      const count = smsOrCallCount(channel, decisions, true, story);
      if (hasAppointmentFilter(a.filters)) count.customers = new Set(decisions.map((d) => d.customerId)).size;
      return count;
    });
  }
  const summary = await audienceSummary(deps.db, a.filters, a.channels, now, {
    timeZone,
    needs: needs ?? (await audienceNeeds(deps.db, a)),
  });
  return a.channels.map((channel) => {
    const s = summary[channel];
    const count: ChannelCount = {
      channel,
      matched: s.matched,
      willReceive: s.willReceive,
      excluded: sortExcluded(s.excluded),
    };
    if (s.customers !== undefined) count.customers = s.customers;
    return count;
  });
}

/** The live count of a compose form's filters and text, or why none can be made. */
export async function countData(c: Ctx, s: ComposeState, timeZone: string): Promise<CountData> {
  const parsed = parseMessageFilters(rawFilters(s));
  if (!parsed.ok)
    return {
      who: "",
      channels: [],
      filtersJson: "{}",
      problem: `Check the recipient filters: ${Object.values(parsed.errors)[0]}.`,
    };
  const channels = stateChannels(s);
  const names = await filterNames(c.get("deps").db, [parsed.filters]);
  const audience = fromState(s, parsed.filters, channels.length ? channels : ["email"]);
  const needs = await audienceNeeds(c.get("deps").db, audience);
  const counts = await countAudience(c, audience, timeZone, needs);
  return {
    who: describeFilters(parsed.filters, names),
    // With no channel chosen the e-mail count still says how many match.
    channels: channels.length ? counts : [],
    matched: counts[0]?.matched ?? 0,
    customers: counts[0]?.customers,
    filtersJson: JSON.stringify(parsed.filters),
    required: needs.required,
    jobId: needs.jobId,
  };
}
