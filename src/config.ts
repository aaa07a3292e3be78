// Configuration from the environment (SPEC X1), checked once at start. Every bad variable
// is reported on its own line, so an operator fixes them all in one go.
import { z } from "zod";

const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const url = (what: string) =>
  optional.refine((v) => v === undefined || URL.canParse(v), `must be a full URL, e.g. ${what}`);

const envSchema = z
  .object({
    PORT: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(0, "must be between 0 and 65535")
      .max(65535, "must be between 0 and 65535")
      .default(3000),
    HOST: optional.default("0.0.0.0"),
    DATABASE_URL: optional
      .default("file:./data/pigeon.db")
      .refine(
        (v) => /^(file:|libsql:|https?:|wss?:|:memory:$)/.test(v),
        "must start with file:, libsql:, http(s): or be :memory:",
      ),
    DATABASE_AUTH_TOKEN: optional,
    PUBLIC_URL: url("https://studio.example.com"),
    /** Lets a local test install send real e-mail with an http PUBLIC_URL; never in production. */
    ALLOW_HTTP_PUBLIC_URL: z.enum(["true", "false"], { error: "must be true or false" }).default("false"),
    SECRET_KEY: optional.refine((v) => v === undefined || v.length >= 32, "must be at least 32 characters"),
    RESEND_API_KEY: optional,
    RESEND_BASE_URL: url("http://127.0.0.1:4010"),
    RESEND_WEBHOOK_SECRET: optional.refine((v) => v === undefined || v.startsWith("whsec_"), "must start with whsec_"),
    EMAIL_FROM: optional.refine(
      (v) => v === undefined || /^(.+<)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>?$/.test(v),
      'must be an address like "Studio <hello@studio.com>"',
    ),
    TWILIO_ACCOUNT_SID: optional.refine(
      (v) => v === undefined || /^AC[0-9a-fA-F]{32}$/.test(v),
      "must look like AC followed by 32 hex digits",
    ),
    TWILIO_AUTH_TOKEN: optional,
    TWILIO_FROM: optional.refine(
      (v) => v === undefined || /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/.test(v),
      "must be an E.164 number (+15551234567) or a messaging service SID",
    ),
    TWILIO_BASE_URL: url("http://127.0.0.1:4020"),
    LOG_LEVEL: z
      .enum(["debug", "info", "warn", "error"], { error: "must be one of debug, info, warn, error" })
      .default("info"),
    /** Turn off the in-process scheduler (for a web-only process next to a worker). */
    SCHEDULER: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
    /** How long a provider request may take; the dispatcher counts on it (tests shorten it). */
    PROVIDER_TIMEOUT_MS: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(100, "must be at least 100")
      .max(600_000, "must be at most 600000")
      .default(30_000),
    /** How soon a crashed sender's claimed work goes to another process (tests shorten it). */
    LEASE_MS: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(100, "must be at least 100")
      .max(3_600_000, "must be at most 3600000")
      .default(60_000),
  })
  .superRefine((env, ctx) => {
    if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_AUTH_TOKEN)
      ctx.addIssue({
        code: "custom",
        path: ["TWILIO_AUTH_TOKEN"],
        message: "is required when TWILIO_ACCOUNT_SID is set",
      });
    if (env.TWILIO_AUTH_TOKEN && !env.TWILIO_ACCOUNT_SID)
      ctx.addIssue({
        code: "custom",
        path: ["TWILIO_ACCOUNT_SID"],
        message: "is required when TWILIO_AUTH_TOKEN is set",
      });
    if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_FROM)
      ctx.addIssue({ code: "custom", path: ["TWILIO_FROM"], message: "is required when Twilio is configured" });
    if (env.RESEND_API_KEY && !env.EMAIL_FROM)
      ctx.addIssue({ code: "custom", path: ["EMAIL_FROM"], message: "is required when RESEND_API_KEY is set" });
    const publicUrl = env.PUBLIC_URL;
    if (
      env.RESEND_API_KEY &&
      env.ALLOW_HTTP_PUBLIC_URL !== "true" &&
      (publicUrl === undefined || (URL.canParse(publicUrl) && !isHttps(publicUrl)))
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["PUBLIC_URL"],
        message: `${publicUrl === undefined ? "is required" : "must be https"} when RESEND_API_KEY is set, e.g. https://studio.example.com: every e-mail's one-click unsubscribe link points at it, and RFC 8058 requires https (ALLOW_HTTP_PUBLIC_URL=true allows http, for local testing only)`,
      });
    }
  });

const isHttps = (url: string) => new URL(url).protocol === "https:";

export type Config = {
  port: number;
  host: string;
  databaseUrl: string;
  databaseAuthToken?: string;
  /** Base of every link we hand out; also the URL Twilio signs webhooks against. */
  publicUrl: string;
  /**
   * True when link bases must be https: e-mail goes out through Resend with one-click
   * unsubscribe links (RFC 8058), and ALLOW_HTTP_PUBLIC_URL does not relax it for testing.
   */
  httpsLinksOnly: boolean;
  /** Signs customer links. When unset, one is generated and kept in the database. */
  secretKey?: string;
  resend?: { apiKey: string; baseUrl?: string; webhookSecret?: string };
  emailFrom?: string;
  twilio?: { accountSid: string; authToken: string; from: string; baseUrl?: string };
  logLevel: "debug" | "info" | "warn" | "error";
  scheduler: boolean;
  /** How long one provider request may take before it is given up (and its outcome is unknown). */
  providerTimeoutMs: number;
  /** How long a claim on a delivery lasts without its sender's heartbeat. */
  leaseMs: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Reads and validates the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join(".")} ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])] ?? "")})`,
      ),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    httpsLinksOnly: !!e.RESEND_API_KEY && e.ALLOW_HTTP_PUBLIC_URL !== "true",
    secretKey: e.SECRET_KEY,
    resend: e.RESEND_API_KEY
      ? { apiKey: e.RESEND_API_KEY, baseUrl: e.RESEND_BASE_URL, webhookSecret: e.RESEND_WEBHOOK_SECRET }
      : undefined,
    emailFrom: e.EMAIL_FROM,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            from: e.TWILIO_FROM,
            baseUrl: e.TWILIO_BASE_URL,
          }
        : undefined,
    logLevel: e.LOG_LEVEL,
    scheduler: e.SCHEDULER === "on",
    providerTimeoutMs: e.PROVIDER_TIMEOUT_MS,
    leaseMs: e.LEASE_MS,
  };
}
