// A customer's preferences page (SPEC L1–L3), one row per channel: the route decides what each
// switch may do from consents and suppressions; the view only shows it.
import type { Channel } from "./vocabulary.ts";

/**
 * `address` is masked. `note` says what the switch does not cover; `blocked` why it cannot be
 * turned on from here (a bounce, a complaint, a STOP), which the page says instead of a switch.
 */
export type PreferenceRow = {
  channel: Channel;
  label: string;
  address: string | null;
  on: boolean;
  note?: string;
  blocked?: string;
};
