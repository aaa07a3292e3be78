// Settings → Messaging's account of each channel (SPEC D1, U1): which provider it uses and the
// configuration that switches it. The route reads it off the config and the providers; the view
// shows it.

/** One configuration variable: its name, whether it is set (null: not used now), what it is for. Never its value. */
export type ConfigVar = { name: string; set: boolean | null; role: string };

export type ChannelProvider = {
  channel: string;
  /** "Resend", "Twilio" or "Dev outbox". */
  provider: string;
  dev: boolean;
  /** What the provider does on this channel, or what the dev outbox does instead. */
  note: string;
  from?: string;
  vars: ConfigVar[];
  /** How to switch to the other provider. */
  howToSwitch: string;
};
