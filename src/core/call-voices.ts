// The voices and languages a call's text-to-speech may use (SPEC A2): a short list staff can
// choose from, checked where a message is saved, so a call never reaches Twilio with a voice it
// does not have. Twilio's <Say>: `voice` is "man"/"woman" or an Amazon Polly voice ("Polly.Joanna");
// a Polly voice speaks one language, and a voice with another `language` fails the <Say>.

export type CallVoice = { id: string; label: string; language: string | null };

/** "" is Twilio's default voice, which speaks every language below. */
export const CALL_VOICES: readonly CallVoice[] = [
  { id: "", label: "Twilio's standard voice (speaks the language below)", language: null },
  { id: "Polly.Joanna", label: "Joanna — English (US), female", language: "en-US" },
  { id: "Polly.Matthew", label: "Matthew — English (US), male", language: "en-US" },
  { id: "Polly.Amy", label: "Amy — English (UK), female", language: "en-GB" },
  { id: "Polly.Vicki", label: "Vicki — German, female", language: "de-DE" },
  { id: "Polly.Lea", label: "Léa — French, female", language: "fr-FR" },
  { id: "Polly.Lupe", label: "Lupe — Spanish (US), female", language: "es-US" },
];

/** "" is each customer's own language (theirs, else the studio's), as Pigeon's call prompts are. */
export const CALL_LANGUAGES: readonly { id: string; label: string }[] = [
  { id: "", label: "Each customer's own language" },
  { id: "en-US", label: "English (US)" },
  { id: "en-GB", label: "English (UK)" },
  { id: "de-DE", label: "German" },
  { id: "fr-FR", label: "French" },
  { id: "es-ES", label: "Spanish (Spain)" },
  { id: "es-US", label: "Spanish (US)" },
];

export const CALL_VOICE_IDS = CALL_VOICES.map((v) => v.id) as [string, ...string[]];
export const CALL_LANGUAGE_IDS = CALL_LANGUAGES.map((l) => l.id) as [string, ...string[]];

/** The language a voice is bound to (a Polly voice speaks one), else null. */
export const voiceLanguage = (voice: string): string | null =>
  CALL_VOICES.find((v) => v.id === voice)?.language ?? null;

/** Why this voice cannot speak this language, or null when they go together. */
export function voiceLanguageProblem(voice: string, language: string): string | null {
  const bound = voiceLanguage(voice);
  if (!bound || !language || bound === language) return null;
  const name = CALL_VOICES.find((v) => v.id === voice)!.label.split(" — ")[0];
  return `${name} speaks ${bound} only: choose ${bound}, leave it to the voice, or choose Twilio's standard voice`;
}

/**
 * The <Say> attributes of a call: the message's voice and language when chosen (a Polly voice in
 * its own language), else `customerLanguage` (Twilio's code for the customer's, or none).
 */
export function sayAttributes(
  m: { voiceName: string; voiceLanguage: string },
  customerLanguage: string | undefined,
): { voice?: string; language?: string } {
  const language = voiceLanguage(m.voiceName) ?? (m.voiceLanguage || customerLanguage);
  return { ...(m.voiceName && { voice: m.voiceName }), ...(language && { language }) };
}

/** Twilio's AnsweredBy (answering-machine detection) in words staff read on the delivery. */
export function answeredByWords(answeredBy: string): string {
  if (answeredBy === "human") return "a person";
  if (answeredBy === "fax") return "a fax machine (nothing was said)";
  if (answeredBy === "machine_end_beep") return "a voicemail: the message was left after its beep";
  if (answeredBy.startsWith("machine")) return "a voicemail: the message was left once";
  return "Twilio could not tell who or what answered";
}
