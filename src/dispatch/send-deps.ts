// What the sending side is handed: the part of Deps it uses, named here where it is used, so
// dispatch never imports src/deps.ts, which builds the dispatcher from these.
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { EmailProvider, LookupProvider, SmsProvider, VoiceProvider } from "../providers/types.ts";

export type Providers = { email: EmailProvider; sms: SmsProvider; voice: VoiceProvider; lookup: LookupProvider };

export type SendDeps = { db: Db; config: Config; clock: () => Date; log: Logger; providers: Providers };
