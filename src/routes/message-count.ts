// Who a one-time message will reach (SPEC O3), as the compose page's live count, the send
// confirmation and an armed message's progress show it: per channel how many the filters
// match, how many will receive it, and everyone left out, by reason.
import type { ComposeState } from "../../views/message-compose.tsx";
import type { ChannelCount, CountData } from "../../views/message-recipients.tsx";
import { messageDecisions } from "../automation/one-time.ts";
import { describeFilters, type MessageFilters, parseMessageFilters } from "../core/message-filters.ts";
import { toE164 } from "../core/phone.ts";
import { audienceSummary } from "../db/message-audience.ts";
import { filterNames } from "../db/message-pages.ts";
import type { Message } from "../db/messages.ts";
import { type Channel, CHANNELS } from "../db/schema.ts";
import type { Ctx } from "../http/env.ts";
import { rawFilters, stateChannels, storedFilters } from "./message-form.ts";

type Audience = { channels: Channel[]; filters: MessageFilters; toAddress: string | null; callOnlyIfNoSms: boolean };

const isChannel = (ch: unknown): ch is Channel => CHANNELS.includes(ch as Channel);

/** The audience a saved message stands for. */
export const fromMessage = (m: Message): Audience => ({ channels: m.channels.filter(isChannel), filters: storedFilters(m), toAddress: m.toAddress, callOnlyIfNoSms: m.callOnlyIfNoSms });

const sortExcluded = (excluded: Partial<Record<string, number>>) =>
  Object.entries(excluded)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => ({ reason, n: n! }))
    .sort((a, b) => b.n - a.n);

/** Per channel: how many the filters match, how many will receive it, and who will not, by reason. */
export async function countAudience(c: Ctx, a: Audience, timeZone: string): Promise<ChannelCount[]> {
  const deps = c.get("deps");
  const now = deps.clock();
  if (a.toAddress) {
    const channel = a.channels[0] ?? "email";
    const ok = channel === "email" ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.toAddress) : !!toE164(a.toAddress);
    return [{ channel, matched: 1, willReceive: ok ? 1 : 0, excluded: ok ? [] : [{ reason: "no_address", n: 1 }] }];
  }
  if (a.callOnlyIfNoSms && a.channels.includes("sms") && a.channels.includes("voice")) {
    // "Call only where SMS cannot go" depends on both channels' decisions: count what the send will do.
    const probe = { channels: a.channels, filters: a.filters, toAddress: null, callOnlyIfNoSms: true } as unknown as Message;
    const decided = await messageDecisions(deps, probe, now);
    return decided.map(({ channel, decisions }) => {
      const excluded: Record<string, number> = {};
      for (const d of decisions) if (d.skip) excluded[d.skip] = (excluded[d.skip] ?? 0) + 1;
      return { channel, matched: decisions.length, willReceive: decisions.filter((d) => !d.skip).length, excluded: sortExcluded(excluded) };
    });
  }
  const summary = await audienceSummary(deps.db, a.filters, a.channels, now, { timeZone });
  return a.channels.map((channel) => ({ channel, matched: summary[channel].matched, willReceive: summary[channel].willReceive, excluded: sortExcluded(summary[channel].excluded) }));
}

/** The live count of a compose form's filters, or why none can be made. */
export async function countData(c: Ctx, s: ComposeState, timeZone: string): Promise<CountData> {
  const parsed = parseMessageFilters(rawFilters(s));
  if (!parsed.ok) return { who: "", channels: [], filtersJson: "{}", problem: `Check the recipient filters: ${Object.values(parsed.errors)[0]}.` };
  const channels = stateChannels(s);
  const names = await filterNames(c.get("deps").db, [parsed.filters]);
  const counts = await countAudience(c, { channels: channels.length ? channels : ["email"], filters: parsed.filters, toAddress: null, callOnlyIfNoSms: !!s.values.call_only_if_no_sms }, timeZone);
  return {
    who: describeFilters(parsed.filters, names),
    // With no channel chosen the e-mail count still says how many match.
    channels: channels.length ? counts : [],
    matched: counts[0]?.matched ?? 0,
    filtersJson: JSON.stringify(parsed.filters),
  };
}
