// The whole data model of SPEC §3 in one file. Column names are camelCase here and
// snake_case in SQL (drizzle `casing: "snake_case"`). Instants are integer milliseconds
// since the epoch; calendar dates of a job (shoot day, deadlines) are `YYYY-MM-DD` text
// because they mean a day in the job's own time zone, not an instant.
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  blob,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import {
  APPOINTMENT_STATUSES,
  AUDIENCES,
  CHANNELS,
  CONDITIONS,
  DELIVERY_STATUSES,
  EVENT_TYPES,
  JOB_STATUSES,
  JOB_TYPES,
  MESSAGE_STATUSES,
  SUPPRESSION_REASONS,
  TRIGGERS,
  USER_ROLES,
  EVENT_SOURCES,
  RUN_STATUSES,
  DELIVERY_SOURCES,
  APPOINTMENT_CHANGE_SOURCES,
  CONTENT_FILE_ROLES,
  ENGAGEMENT_TYPES,
  ENGAGEMENT_SOURCES,
  ENGAGEMENT_KINDS,
} from "../core/vocabulary.ts";

const id = () => integer().primaryKey({ autoIncrement: true });
const createdAt = () =>
  integer({ mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
const timestamps = {
  createdAt: createdAt(),
  updatedAt: integer({ mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
};
/** Integrations refer to our rows by their own ids (SPEC I3); unique when present. */
const externalId = () => text();
/**
 * A CHECK that an enum column holds one of its list's values (or null), built from the list the
 * column's type comes from, so the two cannot drift: the database refuses what the code would not write.
 */
const oneOf = (name: string, column: AnySQLiteColumn, values: readonly string[]) =>
  check(name, sql`${column} in (${sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", "))})`);

// ---------------------------------------------------------------- studio and staff

/** One row (id = 1): the studio's identity, sending policy and links base. */
export const studioSettings = sqliteTable("studio_settings", {
  id: integer().primaryKey(),
  name: text().notNull().default("My Studio"),
  postalAddress: text().notNull().default(""),
  phone: text().notNull().default(""),
  website: text().notNull().default(""),
  logoFileId: integer(),
  brandColor: text().notNull().default("#2f6fdf"),
  senderName: text().notNull().default(""),
  senderEmail: text().notNull().default(""),
  replyTo: text().notNull().default(""),
  smsFrom: text().notNull().default(""),
  timeZone: text().notNull().default("UTC"),
  /** ISO 3166 alpha-2: how national phone numbers are read. Empty until set (first-run setup fills it). */
  country: text().notNull().default(""),
  /** ISO 4217: the currency orders are in unless they say otherwise. */
  currency: text().notNull().default("USD"),
  /** BCP 47: the language of customer pages and built-in texts for customers without their own. */
  locale: text().notNull().default("en"),
  sendWindowStart: text().notNull().default("09:00"),
  sendWindowEnd: text().notNull().default("21:00"),
  staggerBatchSize: integer().notNull().default(500),
  staggerIntervalSeconds: integer().notNull().default(60),
  emailRatePerSecond: real().notNull().default(5),
  smsRatePerSecond: real().notNull().default(1),
  overdueHoldMinutes: integer().notNull().default(120),
  lateGraceHours: integer().notNull().default(24),
  smsHelpReply: text().notNull().default(""),
  publicUrl: text().notNull().default(""),
  /** Links in messages go through the tracked redirect `/t/…` (issue 14); off: they go straight to their address. */
  trackLinks: integer({ mode: "boolean" }).notNull().default(true),
  /** E-mails carry a 1×1 open pixel (`/o/…`); off by default: Resend's own open tracking is the first source. */
  trackOpens: integer({ mode: "boolean" }).notNull().default(false),
  /** An order this many days or fewer after a customer's click on a message is that message's (last click wins). */
  attributionDays: integer().notNull().default(7),
  defaultProfileId: integer().references((): AnySQLiteColumn => communicationProfiles.id, {
    onDelete: "set null",
  }),
  updatedAt: integer({ mode: "timestamp_ms" }),
});

export const users = sqliteTable(
  "users",
  {
    id: id(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    role: text({ enum: USER_ROLES }).notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), oneOf("users_role_check", t.role, USER_ROLES)],
);

/** The cookie carries a random token; only its SHA-256 is stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    tokenHash: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text().notNull(),
    createdAt: createdAt(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    ip: text(),
    userAgent: text(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/** Failed logins per key ("ip:1.2.3.4", "account:a@b.c") inside the current window. */
export const loginAttempts = sqliteTable("login_attempts", {
  key: text().primaryKey(),
  failures: integer().notNull(),
  windowStartedAt: integer({ mode: "timestamp_ms" }).notNull(),
  lockedUntil: integer({ mode: "timestamp_ms" }),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: id(),
    name: text().notNull(),
    /** First characters of the key, shown in Settings so staff can tell keys apart. */
    prefix: text().notNull(),
    keyHash: text().notNull(),
    createdByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: integer({ mode: "timestamp_ms" }),
    revokedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: id(),
    actorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    actorApiKeyId: integer().references(() => apiKeys.id, { onDelete: "set null" }),
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: integer(),
    detail: text({ mode: "json" }),
    createdAt: createdAt(),
  },
  (t) => [index("audit_entity_idx").on(t.entityType, t.entityId), index("audit_created_idx").on(t.createdAt)],
);

// ---------------------------------------------------------------- jobs

export const jobs = sqliteTable(
  "jobs",
  {
    id: id(),
    externalId: externalId(),
    name: text().notNull(),
    type: text({ enum: JOB_TYPES }).notNull(),
    year: integer().notNull(),
    status: text({ enum: JOB_STATUSES }).notNull().default("planning"),
    shootDate: text(),
    sellingStart: text(),
    archiveDate: text(),
    couponDeadline: text(),
    shippingDeadline: text(),
    customText: text().notNull().default(""),
    galleryUrl: text().notNull().default(""),
    profileId: integer().references((): AnySQLiteColumn => communicationProfiles.id, { onDelete: "set null" }),
    /** IANA zone; null means the studio's default. */
    timeZone: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("jobs_external_id_unique").on(t.externalId),
    index("jobs_status_year_idx").on(t.status, t.year, t.id),
    index("jobs_type_idx").on(t.type, t.id),
    index("jobs_year_idx").on(t.year, t.id),
    index("jobs_archive_date_idx").on(t.archiveDate),
    index("jobs_shoot_date_idx").on(t.shootDate),
    index("jobs_coupon_deadline_idx").on(t.couponDeadline),
    index("jobs_shipping_deadline_idx").on(t.shippingDeadline),
    // The automation re-plans jobs changed since its last tick (src/automation/plan.ts).
    index("jobs_updated_idx").on(t.updatedAt),
    check("jobs_year_check", sql`${t.year} between 1900 and 2200`),
    oneOf("jobs_type_check", t.type, JOB_TYPES),
    oneOf("jobs_status_check", t.status, JOB_STATUSES),
  ],
);

export const albums = sqliteTable(
  "albums",
  {
    id: id(),
    externalId: externalId(),
    jobId: integer()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("albums_external_id_unique").on(t.externalId),
    uniqueIndex("albums_job_name_unique").on(t.jobId, t.name),
  ],
);

/**
 * Domain events the automation reads (SPEC P4): job status transitions, registrations,
 * photos available, orders, bookings. Append-only; the scheduler keeps a cursor on `id`.
 */
export const events = sqliteTable(
  "events",
  {
    id: id(),
    type: text({ enum: EVENT_TYPES }).notNull(),
    jobId: integer().references(() => jobs.id, { onDelete: "cascade" }),
    customerId: integer().references((): AnySQLiteColumn => customers.id, { onDelete: "cascade" }),
    appointmentId: integer().references((): AnySQLiteColumn => appointments.id, { onDelete: "cascade" }),
    orderId: integer().references((): AnySQLiteColumn => orders.id, { onDelete: "cascade" }),
    fromStatus: text({ enum: JOB_STATUSES }),
    toStatus: text({ enum: JOB_STATUSES }),
    source: text({ enum: EVENT_SOURCES }).notNull(),
    actorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    occurredAt: integer({ mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("events_job_idx").on(t.jobId, t.id),
    index("events_type_idx").on(t.type, t.id),
    index("events_type_time_idx").on(t.type, t.occurredAt),
    oneOf("events_type_check", t.type, EVENT_TYPES),
    oneOf("events_from_status_check", t.fromStatus, JOB_STATUSES),
    oneOf("events_to_status_check", t.toStatus, JOB_STATUSES),
    oneOf("events_source_check", t.source, EVENT_SOURCES),
  ],
);

export const appointments = sqliteTable(
  "appointments",
  {
    id: id(),
    externalId: externalId(),
    jobId: integer().references(() => jobs.id, { onDelete: "set null" }),
    customerId: integer()
      .notNull()
      .references((): AnySQLiteColumn => customers.id, { onDelete: "cascade" }),
    startsAt: integer({ mode: "timestamp_ms" }).notNull(),
    durationMinutes: integer().notNull().default(30),
    location: text().notNull().default(""),
    status: text({ enum: APPOINTMENT_STATUSES }).notNull().default("scheduled"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("appointments_external_id_unique").on(t.externalId),
    index("appointments_starts_idx").on(t.startsAt),
    index("appointments_job_starts_idx").on(t.jobId, t.startsAt),
    index("appointments_customer_idx").on(t.customerId),
    index("appointments_status_starts_idx").on(t.status, t.startsAt),
    oneOf("appointments_status_check", t.status, APPOINTMENT_STATUSES),
  ],
);

// ---------------------------------------------------------------- customers

export const customers = sqliteTable(
  "customers",
  {
    id: id(),
    externalId: externalId(),
    firstName: text().notNull().default(""),
    lastName: text().notNull().default(""),
    /** Lower-cased; null when unknown. Not unique: families share addresses. */
    email: text(),
    /** E.164; null when unknown. */
    phone: text(),
    /** An extension to dial after the number answers (digits only); kept apart from the number. */
    phoneExtension: text(),
    /** ISO 3166 alpha-2, when known: how this customer's national numbers are read. */
    country: text(),
    locale: text().notNull().default("en"),
    timeZone: text(),
    consentEmail: integer({ mode: "boolean" }).notNull().default(false),
    consentEmailSource: text(),
    consentEmailAt: integer({ mode: "timestamp_ms" }),
    consentSms: integer({ mode: "boolean" }).notNull().default(false),
    consentSmsSource: text(),
    consentSmsAt: integer({ mode: "timestamp_ms" }),
    consentVoice: integer({ mode: "boolean" }).notNull().default(false),
    consentVoiceSource: text(),
    consentVoiceAt: integer({ mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("customers_external_id_unique").on(t.externalId),
    index("customers_email_idx").on(t.email),
    index("customers_phone_idx").on(t.phone),
    index("customers_name_idx").on(t.lastName, t.firstName),
  ],
);

export const registrations = sqliteTable(
  "registrations",
  {
    id: id(),
    externalId: externalId(),
    jobId: integer()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    customerId: integer()
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    albumId: integer().references(() => albums.id, { onDelete: "set null" }),
    accessCode: text().notNull().default(""),
    registeredAt: integer({ mode: "timestamp_ms" }).notNull(),
    photosAvailableAt: integer({ mode: "timestamp_ms" }),
    photosCount: integer().notNull().default(0),
  },
  (t) => [
    uniqueIndex("registrations_external_id_unique").on(t.externalId),
    uniqueIndex("registrations_job_customer_unique").on(t.jobId, t.customerId),
    index("registrations_customer_idx").on(t.customerId),
    index("registrations_job_album_idx").on(t.jobId, t.albumId),
    index("registrations_photos_idx").on(t.photosAvailableAt),
    // Recipient filters "with/without photos available" over whole jobs, without reading the rows.
    index("registrations_job_photos_idx").on(t.jobId, t.photosAvailableAt, t.customerId),
  ],
);

export const orders = sqliteTable(
  "orders",
  {
    id: id(),
    externalId: externalId(),
    jobId: integer()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    customerId: integer()
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** In the currency's minor units (cents; yen are whole). */
    amountMinor: integer().notNull(),
    /** ISO 4217. */
    currency: text().notNull().default("USD"),
    orderedAt: integer({ mode: "timestamp_ms" }).notNull(),
    /**
     * The delivery whose link the customer followed last before ordering, within the studio's
     * attribution window (issue 14); null when no click came before it. Decided when the order is
     * written, so a later change of the window does not move past revenue.
     */
    attributedDeliveryId: integer().references((): AnySQLiteColumn => deliveries.id, { onDelete: "set null" }),
    /** The engagement (a click) that decided it. */
    attributedEngagementId: integer().references((): AnySQLiteColumn => engagements.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("orders_external_id_unique").on(t.externalId),
    index("orders_attributed_delivery_idx").on(t.attributedDeliveryId),
    index("orders_job_customer_idx").on(t.jobId, t.customerId),
    index("orders_customer_idx").on(t.customerId),
  ],
);

/** Active while `clearedAt` is null; a re-subscribe clears it and keeps the history. */
export const suppressions = sqliteTable(
  "suppressions",
  {
    id: id(),
    channel: text({ enum: CHANNELS }).notNull(),
    /** Normalised e-mail address or E.164 number. */
    address: text().notNull(),
    customerId: integer().references(() => customers.id, { onDelete: "set null" }),
    reason: text({ enum: SUPPRESSION_REASONS }).notNull(),
    source: text().notNull(),
    detail: text(),
    createdAt: createdAt(),
    clearedAt: integer({ mode: "timestamp_ms" }),
    clearedSource: text(),
  },
  (t) => [
    uniqueIndex("suppressions_active_unique")
      .on(t.channel, t.address)
      .where(sql`cleared_at is null`),
    index("suppressions_customer_idx").on(t.customerId),
    oneOf("suppressions_channel_check", t.channel, CHANNELS),
    oneOf("suppressions_reason_check", t.reason, SUPPRESSION_REASONS),
  ],
);

/** Twilio Lookup line type per number (SPEC D10). */
export const phoneLookups = sqliteTable("phone_lookups", {
  phone: text().primaryKey(),
  lineType: text().notNull(),
  carrier: text(),
  lookedUpAt: integer({ mode: "timestamp_ms" }).notNull(),
});

// ---------------------------------------------------------------- communication

export const communicationProfiles = sqliteTable("communication_profiles", {
  id: id(),
  externalId: externalId(),
  name: text().notNull(),
  description: text().notNull().default(""),
  /** Shipped with Pigeon: read-only, duplicate to change (SPEC P2). */
  builtIn: integer({ mode: "boolean" }).notNull().default(false),
  ...timestamps,
});

export const notifications = sqliteTable(
  "notifications",
  {
    id: id(),
    profileId: integer()
      .notNull()
      .references(() => communicationProfiles.id, { onDelete: "cascade" }),
    trigger: text({ enum: TRIGGERS }).notNull(),
    offsetDays: integer().notNull().default(0),
    offsetHours: integer().notNull().default(0),
    /** "immediately" or "HH:MM" in the job's time zone. */
    timeOfDay: text().notNull().default("immediately"),
    audience: text({ enum: AUDIENCES }).notNull().default("all"),
    condition: text({ enum: CONDITIONS }).notNull().default("any"),
    channel: text({ enum: CHANNELS }).notNull(),
    subject: text().notNull().default(""),
    body: text().notNull().default(""),
    /** An e-mail notification's preview line; empty: the body's first line. */
    preheader: text().notNull().default(""),
    templateId: integer().references((): AnySQLiteColumn => templates.id, { onDelete: "set null" }),
    active: integer({ mode: "boolean" }).notNull().default(true),
    position: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [
    index("notifications_profile_idx").on(t.profileId, t.position),
    index("notifications_trigger_idx").on(t.trigger),
    oneOf("notifications_trigger_check", t.trigger, TRIGGERS),
    oneOf("notifications_audience_check", t.audience, AUDIENCES),
    oneOf("notifications_condition_check", t.condition, CONDITIONS),
    oneOf("notifications_channel_check", t.channel, CHANNELS),
  ],
);

/** One-time messages (SPEC §5). `filters` holds the recipient filter object of SPEC I3. */
export const messages = sqliteTable(
  "messages",
  {
    id: id(),
    externalId: externalId(),
    name: text().notNull(),
    channels: text({ mode: "json" }).$type<string[]>().notNull(),
    subject: text().notNull().default(""),
    /** The e-mail's body (Markdown). */
    body: text().notNull().default(""),
    /** The e-mail's preview line in the inbox; empty: the body's first line (SPEC T2, issue 12). */
    preheader: text().notNull().default(""),
    /** The SMS's own text: plain, short, links as bare URLs (never the e-mail's Markdown). */
    smsBody: text().notNull().default(""),
    voiceScript: text().notNull().default(""),
    voiceFileId: integer().references((): AnySQLiteColumn => files.id, { onDelete: "set null" }),
    /**
     * The name of the recorded audio the call plays, as staff uploaded it; empty: text-to-speech.
     * Kept when the file row goes (voice_file_id becomes null), so such a call fails saying so
     * instead of reading the script out instead.
     */
    voiceAudioName: text().notNull().default(""),
    /** The text-to-speech voice (Twilio's `voice`, e.g. "Polly.Joanna"); empty: Twilio's default for the language. */
    voiceName: text().notNull().default(""),
    /** The language the script is spoken in (e.g. "en-US"); empty: each customer's own. */
    voiceLanguage: text().notNull().default(""),
    callOnlyIfNoSms: integer({ mode: "boolean" }).notNull().default(false),
    filters: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** The job whose Communication tab it was started from, if any. */
    jobId: integer().references(() => jobs.id, { onDelete: "set null" }),
    toAddress: text(),
    status: text({ enum: MESSAGE_STATUSES }).notNull().default("draft"),
    sendAt: integer({ mode: "timestamp_ms" }),
    activatedAt: integer({ mode: "timestamp_ms" }),
    activatedByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("messages_external_id_unique").on(t.externalId),
    index("messages_status_send_idx").on(t.status, t.sendAt),
    oneOf("messages_status_check", t.status, MESSAGE_STATUSES),
  ],
);

/**
 * One firing of a notification for a job (and, for per-customer and appointment triggers, one
 * customer or appointment): when it is or was due, and whether it is planned, went out, was
 * skipped, missed or failed (SPEC P5–P7). Ids that do not apply are null; the unique index reads
 * them as 0, so a planned row already takes its key and planning twice plans once. A run goes
 * with the job, customer or appointment it is for.
 * A planned row is looked at from `nextTryAt` on: its moment, after a failure the next try, while
 * a tick fires it that tick's lease.
 */
export const notificationRuns = sqliteTable(
  "notification_runs",
  {
    id: id(),
    notificationId: integer()
      .notNull()
      .references(() => notifications.id, { onDelete: "cascade" }),
    jobId: integer().references(() => jobs.id, { onDelete: "cascade" }),
    customerId: integer().references(() => customers.id, { onDelete: "cascade" }),
    appointmentId: integer().references(() => appointments.id, { onDelete: "cascade" }),
    /** The event it was planned from (event triggers): its moment is recomputed from it. */
    eventId: integer(),
    dueAt: integer({ mode: "timestamp_ms" }).notNull(),
    status: text({ enum: RUN_STATUSES }).notNull(),
    nextTryAt: integer({ mode: "timestamp_ms" }),
    attempts: integer().notNull().default(0),
    lastError: text(),
    queued: integer().notNull().default(0),
    skipped: integer().notNull().default(0),
    reason: text(),
    createdAt: createdAt(),
    /** When it was decided: sent, skipped, missed, or given up on. */
    firedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("notification_runs_unique").on(
      t.notificationId,
      sql`coalesce(${t.jobId}, 0)`,
      sql`coalesce(${t.customerId}, 0)`,
      sql`coalesce(${t.appointmentId}, 0)`,
    ),
    index("notification_runs_job_idx").on(t.jobId, t.notificationId),
    index("notification_runs_due_idx").on(t.status, t.nextTryAt),
    // The cascades from customers and appointments find a customer's or appointment's runs.
    index("notification_runs_customer_idx").on(t.customerId),
    index("notification_runs_appointment_idx").on(t.appointmentId),
    oneOf("notification_runs_status_check", t.status, RUN_STATUSES),
  ],
);

/**
 * The outbox (SPEC D2): one row per (source, recipient, channel). `deliveryKey` is
 * deterministic so that deciding to send twice inserts once.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: id(),
    deliveryKey: text().notNull(),
    sourceType: text({ enum: DELIVERY_SOURCES }).notNull(),
    notificationId: integer().references(() => notifications.id, { onDelete: "set null" }),
    messageId: integer().references(() => messages.id, { onDelete: "set null" }),
    jobId: integer().references(() => jobs.id, { onDelete: "set null" }),
    customerId: integer().references(() => customers.id, { onDelete: "set null" }),
    appointmentId: integer().references(() => appointments.id, { onDelete: "set null" }),
    /**
     * The SMS this call stands in for ("call only where SMS cannot go"): the call waits
     * (`waiting`) until that SMS is settled — sent, and the call is skipped; not sent, and the
     * call goes. A trigger (migration 0010) decides it in the SMS's own transaction.
     */
    afterDeliveryId: integer().references((): AnySQLiteColumn => deliveries.id, { onDelete: "set null" }),
    channel: text({ enum: CHANNELS }).notNull(),
    toAddress: text(),
    status: text({ enum: DELIVERY_STATUSES }).notNull().default("queued"),
    skipReason: text(),
    subject: text(),
    body: text(),
    provider: text(),
    providerMessageId: text(),
    attempts: integer().notNull().default(0),
    /** When it may next be tried (scheduled time, backoff, sending window). */
    dueAt: integer({ mode: "timestamp_ms" }).notNull(),
    waitingReason: text(),
    leaseOwner: text(),
    leaseExpiresAt: integer({ mode: "timestamp_ms" }),
    /** When the current attempt began: the "since" of a crash reconciliation (SPEC D4). */
    attemptStartedAt: integer({ mode: "timestamp_ms" }),
    /** The e-mail batch this attempt went out in; a crashed batch is re-sent whole so Resend replays it. */
    attemptGroup: text(),
    lastError: text(),
    sentAt: integer({ mode: "timestamp_ms" }),
    deliveredAt: integer({ mode: "timestamp_ms" }),
    /**
     * A staff test's chosen files (issue 12), ids in order: a test has no message row to hold
     * them (the form may be unsaved), so the delivery carries them. Null for every other delivery.
     */
    testFiles: text({ mode: "json" }).$type<number[]>(),
    /** A staff test e-mail's preview line, as the message's own would be (no message row holds it). */
    testPreheader: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("deliveries_key_unique").on(t.deliveryKey),
    index("deliveries_due_idx").on(t.status, t.channel, t.dueAt),
    index("deliveries_lease_idx").on(t.status, t.leaseExpiresAt),
    index("deliveries_message_idx").on(t.messageId, t.status),
    index("deliveries_notification_job_idx").on(t.notificationId, t.jobId),
    index("deliveries_customer_idx").on(t.customerId, t.id),
    index("deliveries_job_idx").on(t.jobId, t.id),
    index("deliveries_appointment_idx").on(t.appointmentId),
    index("deliveries_provider_id_idx").on(t.provider, t.providerMessageId),
    index("deliveries_attempt_group_idx").on(t.attemptGroup),
    index("deliveries_after_idx").on(t.afterDeliveryId),
    oneOf("deliveries_source_type_check", t.sourceType, DELIVERY_SOURCES),
    oneOf("deliveries_channel_check", t.channel, CHANNELS),
    oneOf("deliveries_status_check", t.status, DELIVERY_STATUSES),
  ],
);

/**
 * The exact request of each e-mail batch whose outcome may be unknown (SPEC D4): written with the
 * attempt, so a replay after a crash or a 5xx sends the very same bytes under the same Resend
 * idempotency key (made from the same members' keys), even if staff edited the text or deleted
 * its source meanwhile. `payload` is zstd-compressed JSON ({ deliveryIds, messages }); kept a
 * little longer than Resend keeps keys.
 */
export const emailBatches = sqliteTable(
  "email_batches",
  {
    attemptGroup: text().primaryKey(),
    payload: blob({ mode: "buffer" }).notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("email_batches_created_idx").on(t.createdAt)],
);

/**
 * One token bucket per channel shared by every process on this database (SPEC D3, X7): a web
 * process and any number of workers together stay under the provider's rate. `atMs` is the
 * database's clock, the one clock all processes agree on.
 */
export const rateBudgets = sqliteTable(
  "rate_budgets",
  {
    channel: text({ enum: CHANNELS }).primaryKey(),
    tokens: real().notNull(),
    atMs: integer().notNull(),
  },
  (t) => [oneOf("rate_budgets_channel_check", t.channel, CHANNELS)],
);

/**
 * What the dev outbox "delivered" (SPEC D1): exactly the message a provider would have been
 * given, so staff can read it when no provider is configured.
 */
/** What the dev outbox keeps of a message's files: attachments without their bytes, MMS addresses. */
export type DevOutboxFiles = {
  attachments?: { filename: string; size: number; contentType: string; link?: string }[];
  mediaUrls?: string[];
};

export const devOutbox = sqliteTable(
  "dev_outbox",
  {
    id: text().primaryKey(),
    channel: text({ enum: CHANNELS }).notNull(),
    toAddress: text().notNull(),
    fromAddress: text().notNull(),
    subject: text(),
    /** The e-mail's text part, the SMS body, or the call's TwiML URL. */
    body: text().notNull(),
    html: text(),
    headers: text({ mode: "json" }).$type<Record<string, string>>(),
    /** An e-mail's attachments (name, size, type, a link) or an MMS's picture addresses (SPEC T5). */
    files: text({ mode: "json" }).$type<DevOutboxFiles>(),
    /** The e-mail's idempotency key, or the SMS's or call's delivery key. */
    ref: text().notNull(),
    status: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("dev_outbox_ref_idx").on(t.channel, t.ref),
    index("dev_outbox_to_idx").on(t.channel, t.toAddress, t.createdAt),
    oneOf("dev_outbox_channel_check", t.channel, CHANNELS),
  ],
);

export const deliveryEvents = sqliteTable(
  "delivery_events",
  {
    id: id(),
    deliveryId: integer()
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    /** The provider's own event id, for de-duplicating webhook retries. */
    providerEventId: text(),
    type: text().notNull(),
    detail: text({ mode: "json" }),
    occurredAt: integer({ mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("delivery_events_delivery_idx").on(t.deliveryId, t.id),
    uniqueIndex("delivery_events_provider_event_unique").on(t.providerEventId),
  ],
);

export const inboundMessages = sqliteTable(
  "inbound_messages",
  {
    id: id(),
    channel: text({ enum: CHANNELS }).notNull(),
    fromAddress: text().notNull(),
    toAddress: text(),
    customerId: integer().references(() => customers.id, { onDelete: "set null" }),
    appointmentId: integer().references(() => appointments.id, { onDelete: "set null" }),
    body: text().notNull(),
    providerMessageId: text(),
    /** What Pigeon did with it: confirmed, cancelled, stop, start, help, inbox. */
    handledAs: text().notNull().default("inbox"),
    /** What Pigeon texted back by itself (the confirmation, the help text), as the customer got it. */
    answer: text(),
    readAt: integer({ mode: "timestamp_ms" }),
    /** Staff put it away: out of the inbox, still in the customer's history. */
    archivedAt: integer({ mode: "timestamp_ms" }),
    receivedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("inbound_provider_id_unique").on(t.providerMessageId),
    index("inbound_customer_idx").on(t.customerId, t.receivedAt),
    index("inbound_received_idx").on(t.receivedAt),
    // The Appointments list counts each shown appointment's replies (SPEC A1).
    index("inbound_appointment_idx").on(t.appointmentId, t.receivedAt),
    oneOf("inbound_messages_channel_check", t.channel, CHANNELS),
  ],
);

/**
 * Pictures and files that came with a reply (MMS media, e-mail attachments), fetched from the
 * provider when the reply arrived so they outlive the provider's copy. `content` is null when the
 * fetch failed; `error` says why, and `sourceUrl` is where it was.
 */
export const inboundMedia = sqliteTable(
  "inbound_media",
  {
    id: id(),
    inboundMessageId: integer()
      .notNull()
      .references(() => inboundMessages.id, { onDelete: "cascade" }),
    contentType: text().notNull(),
    sizeBytes: integer().notNull().default(0),
    content: blob({ mode: "buffer" }),
    sourceUrl: text(),
    error: text(),
    createdAt: createdAt(),
  },
  (t) => [index("inbound_media_message_idx").on(t.inboundMessageId)],
);

/**
 * Every change of an appointment's status (and time), by whom: the customer history shows them,
 * and a customer's cancellation or reschedule request is an alert for staff until one of them
 * has seen it (`seenAt`). `fromStatus` is null for the booking itself.
 */
export const appointmentChanges = sqliteTable(
  "appointment_changes",
  {
    id: id(),
    appointmentId: integer()
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    fromStatus: text({ enum: APPOINTMENT_STATUSES }),
    toStatus: text({ enum: APPOINTMENT_STATUSES }).notNull(),
    fromStartsAt: integer({ mode: "timestamp_ms" }),
    toStartsAt: integer({ mode: "timestamp_ms" }),
    source: text({ enum: APPOINTMENT_CHANGE_SOURCES }).notNull(),
    actorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    /** The reply that did it, for an SMS confirmation or cancellation. */
    inboundMessageId: integer().references((): AnySQLiteColumn => inboundMessages.id, { onDelete: "set null" }),
    seenAt: integer({ mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("appointment_changes_appointment_idx").on(t.appointmentId, t.id),
    index("appointment_changes_unseen_idx").on(t.seenAt, t.toStatus, t.id),
    oneOf("appointment_changes_from_check", t.fromStatus, APPOINTMENT_STATUSES),
    oneOf("appointment_changes_to_check", t.toStatus, APPOINTMENT_STATUSES),
    oneOf("appointment_changes_source_check", t.source, APPOINTMENT_CHANGE_SOURCES),
  ],
);

/** Uploaded images, PDFs and audio; bytes live in the database so backups are one file. */
export const files = sqliteTable(
  "files",
  {
    id: id(),
    storedName: text().notNull(),
    originalName: text().notNull(),
    mimeType: text().notNull(),
    sizeBytes: integer().notNull(),
    sha256: text().notNull(),
    /** An image's size in pixels, read from its bytes at upload; null for PDFs and audio. */
    width: integer(),
    height: integer(),
    content: blob({ mode: "buffer" }).notNull(),
    uploadedByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("files_stored_name_unique").on(t.storedName)],
);

export const templates = sqliteTable(
  "templates",
  {
    id: id(),
    name: text().notNull(),
    channel: text({ enum: CHANNELS }).notNull(),
    /** The trigger it was written for, if any, so editors can suggest it. */
    trigger: text({ enum: TRIGGERS }),
    subject: text().notNull().default(""),
    body: text().notNull(),
    preheader: text().notNull().default(""),
    /** What it is for, shown in the library ("Announcement with a hero image"). */
    description: text().notNull().default(""),
    builtIn: integer({ mode: "boolean" }).notNull().default(false),
    ...timestamps,
  },
  (t) => [
    index("templates_channel_idx").on(t.channel, t.trigger),
    oneOf("templates_channel_check", t.channel, CHANNELS),
    oneOf("templates_trigger_check", t.trigger, TRIGGERS),
  ],
);

export const snippets = sqliteTable(
  "snippets",
  {
    id: id(),
    key: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("snippets_key_unique").on(t.key)],
);

/**
 * Files a message or notification sends with it (SPEC T5): e-mail attachments, and pictures an SMS
 * carries as MMS. Exactly one owner per row. A file in use cannot be deleted (RESTRICT): the file
 * manager says where it is used instead.
 */
export const contentFiles = sqliteTable(
  "content_files",
  {
    id: id(),
    messageId: integer().references(() => messages.id, { onDelete: "cascade" }),
    notificationId: integer().references(() => notifications.id, { onDelete: "cascade" }),
    fileId: integer()
      .notNull()
      .references(() => files.id, { onDelete: "restrict" }),
    role: text({ enum: CONTENT_FILE_ROLES }).notNull(),
    position: integer().notNull().default(0),
  },
  (t) => [
    uniqueIndex("content_files_message_unique").on(t.messageId, t.role, t.fileId),
    uniqueIndex("content_files_notification_unique").on(t.notificationId, t.role, t.fileId),
    index("content_files_file_idx").on(t.fileId),
    oneOf("content_files_role_check", t.role, CONTENT_FILE_ROLES),
    check("content_files_one_owner", sql`(${t.messageId} is null) <> (${t.notificationId} is null)`),
  ],
);

/**
 * Which profile a deleted notification belonged to (issue 14): its deliveries lose their
 * notification (set null) but keep their key (`n<id>:…`), so the profile's numbers can still
 * count what it sent and earned. Written by a trigger (migration 0026) as the row goes; no
 * foreign key, so deleting a whole profile (which deletes its notifications) is never refused.
 */
export const deletedNotifications = sqliteTable("deleted_notifications", {
  notificationId: integer().primaryKey(),
  profileId: integer().notNull(),
  deletedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/**
 * A link address in a sent message (issue 14). The tracked redirect names it by this id, so an
 * SMS link stays short however long the address; one row per distinct address, shared by all.
 */
export const trackedLinks = sqliteTable(
  "tracked_links",
  {
    id: id(),
    url: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tracked_links_url_unique").on(t.url)],
);

/**
 * An open or a click of one delivery (issue 14), whoever made it: machines are kept with their
 * `kind` (see ENGAGEMENT_KINDS) so the numbers can leave them out and staff can see why.
 * `customerId` is copied from the delivery: attribution looks up a customer's last click.
 */
export const engagements = sqliteTable(
  "engagements",
  {
    id: id(),
    deliveryId: integer()
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    customerId: integer().references(() => customers.id, { onDelete: "set null" }),
    type: text({ enum: ENGAGEMENT_TYPES }).notNull(),
    source: text({ enum: ENGAGEMENT_SOURCES }).notNull(),
    kind: text({ enum: ENGAGEMENT_KINDS }).notNull(),
    /** The tracked link followed (clicks through our redirect). */
    linkId: integer().references(() => trackedLinks.id, { onDelete: "set null" }),
    /** The address followed, as the customer saw it go (clicks). */
    url: text(),
    userAgent: text(),
    /** A webhook's event id: a retried webhook records nothing twice. */
    providerEventId: text(),
    occurredAt: integer({ mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("engagements_delivery_idx").on(t.deliveryId, t.type),
    index("engagements_customer_idx").on(t.customerId, t.type, t.occurredAt),
    index("engagements_time_idx").on(t.occurredAt),
    uniqueIndex("engagements_provider_event_unique").on(t.providerEventId),
    oneOf("engagements_type_check", t.type, ENGAGEMENT_TYPES),
    oneOf("engagements_source_check", t.source, ENGAGEMENT_SOURCES),
    oneOf("engagements_kind_check", t.kind, ENGAGEMENT_KINDS),
  ],
);

/**
 * A CSV import under way. Each of its transactions records here what it wrote, in the same
 * transaction, so a web process that starts after a crash mid-import can take the import back
 * (all or nothing, SPEC I2); the last transaction deletes the run with its records.
 */
export const importRuns = sqliteTable("import_runs", {
  id: id(),
  startedAt: integer({ mode: "timestamp_ms" }).notNull(),
  /** The database clock (ms) at its last committed transaction: a run silent for long is a dead process's. */
  heartbeatAt: integer().notNull(),
});

export const importUndo = sqliteTable(
  "import_undo",
  {
    id: id(),
    importId: integer()
      .notNull()
      .references(() => importRuns.id, { onDelete: "cascade" }),
    /** What one committed transaction wrote and the values it replaced, as JSON (see customer-import.ts). */
    undo: text().notNull(),
  },
  (t) => [index("import_undo_import_idx").on(t.importId)],
);

/** Cursor positions of background loops (scheduler's last event id, last tick). */
export const workerState = sqliteTable(
  "worker_state",
  {
    name: text().notNull(),
    key: text().notNull(),
    value: text().notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.key] })],
);

export type Job = typeof jobs.$inferSelect;
export type Customer = typeof customers.$inferSelect;
export type User = typeof users.$inferSelect;
export type StudioSettings = typeof studioSettings.$inferSelect;
export type Album = typeof albums.$inferSelect;
export type Registration = typeof registrations.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type Appointment = typeof appointments.$inferSelect;
export type AppointmentChange = typeof appointmentChanges.$inferSelect;
export type InboundMedia = typeof inboundMedia.$inferSelect;
export type Engagement = typeof engagements.$inferSelect;
