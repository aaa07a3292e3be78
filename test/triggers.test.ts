// When automated notifications fall due and to whom (SPEC P3, P4, P6): trigger timing turned
// into exact instants (across DST changes), audiences and conditions, the grace period, and the
// trigger table itself.
import { describe, expect, test } from "bun:test";
import { Temporal } from "@js-temporal/polyfill";
import { AUDIENCES, CONDITIONS, TRIGGERS } from "../src/core/vocabulary.ts";
import { zonedParts } from "../src/core/send-window.ts";
import {
  type Audience,
  type Condition,
  inAudience,
  momentState,
  notificationMoment,
  type Timing,
  timeOfDay,
  TRIGGER_INFO,
  type Trigger,
  type TriggerInfo,
} from "../src/core/triggers.ts";

const BERLIN = "Europe/Berlin";
const CHICAGO = "America/Chicago";

const timing = (trigger: Trigger, offsetDays: number, time: string, offsetHours = 0): Timing => ({
  trigger,
  offsetDays,
  offsetHours,
  timeOfDay: time,
});
const iso = (d: Date | null) => d?.toISOString() ?? null;
/** "YYYY-MM-DD HH:MM" as the wall clock shows it in `tz`. */
const local = (d: Date, tz: string) => {
  const p = zonedParts(d, tz);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
};

describe("notificationMoment: job-date triggers", () => {
  test.each<[string, Trigger, number, string, string, string, string]>([
    // name, trigger, offsetDays, timeOfDay, job date, zone, expected
    [
      "archive date, 7 days before at 09:00 (Berlin, CEST)",
      "job_archiving",
      7,
      "09:00",
      "2026-06-15",
      BERLIN,
      "2026-06-08T07:00:00.000Z",
    ],
    [
      "archive date, 7 days before at 09:00 (Chicago, CDT)",
      "job_archiving",
      7,
      "09:00",
      "2026-06-15",
      CHICAGO,
      "2026-06-08T14:00:00.000Z",
    ],
    [
      "archive date, 7 days before at 09:00 (Berlin, CET)",
      "job_archiving",
      7,
      "09:00",
      "2026-01-20",
      BERLIN,
      "2026-01-13T08:00:00.000Z",
    ],
    [
      "archive date, 7 days before at 09:00 (Chicago, CST)",
      "job_archiving",
      7,
      "09:00",
      "2026-01-20",
      CHICAGO,
      "2026-01-13T15:00:00.000Z",
    ],
    [
      "archive date, 7 days before crosses the year",
      "job_archiving",
      7,
      "09:00",
      "2026-01-03",
      BERLIN,
      "2025-12-27T08:00:00.000Z",
    ],
    [
      "archive date, immediately = 09:00 on the day",
      "job_archiving",
      0,
      "immediately",
      "2026-12-01",
      CHICAGO,
      "2026-12-01T15:00:00.000Z",
    ],
    [
      "coupon deadline, 3 days before at 18:00",
      "coupon_deadline",
      3,
      "18:00",
      "2026-05-10",
      BERLIN,
      "2026-05-07T16:00:00.000Z",
    ],
    [
      "coupon deadline, 3 days before at 18:00 (Chicago)",
      "coupon_deadline",
      3,
      "18:00",
      "2026-05-10",
      CHICAGO,
      "2026-05-07T23:00:00.000Z",
    ],
    [
      "coupon deadline, 1 day before at an exact time",
      "coupon_deadline",
      1,
      "07:30",
      "2026-02-10",
      BERLIN,
      "2026-02-09T06:30:00.000Z",
    ],
    [
      "coupon deadline, 3 days before crosses a month",
      "coupon_deadline",
      3,
      "18:00",
      "2026-03-02",
      BERLIN,
      "2026-02-27T17:00:00.000Z",
    ],
    [
      "shipping deadline, 2 days before at 09:00",
      "shipping_deadline",
      2,
      "09:00",
      "2026-01-20",
      CHICAGO,
      "2026-01-18T15:00:00.000Z",
    ],
    [
      "shipping deadline, immediately = 09:00",
      "shipping_deadline",
      0,
      "immediately",
      "2026-07-01",
      BERLIN,
      "2026-07-01T07:00:00.000Z",
    ],
    [
      "picture day, 1 day before (-1) at 18:00",
      "picture_day",
      -1,
      "18:00",
      "2026-09-15",
      BERLIN,
      "2026-09-14T16:00:00.000Z",
    ],
    [
      "picture day, 2 days after (+2) at 09:00",
      "picture_day",
      2,
      "09:00",
      "2026-09-15",
      BERLIN,
      "2026-09-17T07:00:00.000Z",
    ],
    ["picture day, on the day at 07:00", "picture_day", 0, "07:00", "2026-09-15", CHICAGO, "2026-09-15T12:00:00.000Z"],
    [
      "picture day, immediately = 09:00 on the day",
      "picture_day",
      0,
      "immediately",
      "2026-09-15",
      BERLIN,
      "2026-09-15T07:00:00.000Z",
    ],
    [
      "picture day, 1 day before, immediately = 09:00",
      "picture_day",
      -1,
      "immediately",
      "2026-09-15",
      CHICAGO,
      "2026-09-14T14:00:00.000Z",
    ],
  ])("%s", (_name, trigger, days, time, date, tz, expected) => {
    expect(iso(notificationMoment(timing(trigger, days, time), { date }, tz))).toBe(expected);
  });
});

describe("notificationMoment: '7 days before the archive date at 09:00' stays 09:00 local across DST", () => {
  test.each<[string, string, string, string]>([
    // name, archive date, zone, expected (always 09:00 local)
    ["Berlin spring: moment before the change, date after it", "2026-04-02", BERLIN, "2026-03-26T08:00:00.000Z"],
    ["Berlin spring: moment on the change day", "2026-04-05", BERLIN, "2026-03-29T07:00:00.000Z"],
    ["Berlin spring: moment the day after", "2026-04-06", BERLIN, "2026-03-30T07:00:00.000Z"],
    ["Berlin autumn: moment the day before the change", "2026-10-31", BERLIN, "2026-10-24T07:00:00.000Z"],
    ["Berlin autumn: moment on the change day", "2026-11-01", BERLIN, "2026-10-25T08:00:00.000Z"],
    ["Berlin autumn: moment the day after", "2026-11-02", BERLIN, "2026-10-26T08:00:00.000Z"],
    ["Chicago spring: moment the day before the change", "2026-03-14", CHICAGO, "2026-03-07T15:00:00.000Z"],
    ["Chicago spring: moment on the change day", "2026-03-15", CHICAGO, "2026-03-08T14:00:00.000Z"],
    ["Chicago spring: moment the day after", "2026-03-16", CHICAGO, "2026-03-09T14:00:00.000Z"],
    ["Chicago autumn: moment the day before the change", "2026-11-07", CHICAGO, "2026-10-31T14:00:00.000Z"],
    ["Chicago autumn: moment on the change day", "2026-11-08", CHICAGO, "2026-11-01T15:00:00.000Z"],
    ["Chicago autumn: moment the day after", "2026-11-09", CHICAGO, "2026-11-02T15:00:00.000Z"],
  ])("%s", (_name, date, tz, expected) => {
    const moment = notificationMoment(timing("job_archiving", 7, "09:00"), { date }, tz);
    expect(iso(moment)).toBe(expected);
    expect(local(moment!, tz).slice(11)).toBe("09:00");
  });

  test.each<[string, Trigger, number, string, string, string, string]>([
    // A local time the clock skips moves forward by the gap; one it shows twice is the earlier
    // (Temporal's "compatible" rule), east and west of UTC alike.
    [
      "02:30 on the spring-forward night moves to 03:30 CEST",
      "coupon_deadline",
      1,
      "02:30",
      "2026-03-30",
      BERLIN,
      "2026-03-29T01:30:00.000Z",
    ],
    [
      "Berlin 02:30 on 2026-10-25 (fall-back night) is the earlier, CEST 02:30",
      "coupon_deadline",
      1,
      "02:30",
      "2026-10-26",
      BERLIN,
      "2026-10-25T00:30:00.000Z",
    ],
    [
      "US spring-forward night: 02:30 is 03:30 CDT, not an hour early",
      "coupon_deadline",
      1,
      "02:30",
      "2026-03-09",
      CHICAGO,
      "2026-03-08T08:30:00.000Z",
    ],
    [
      "US fall-back night: 01:30 is the earlier, CDT 01:30",
      "job_archiving",
      7,
      "01:30",
      "2026-11-08",
      CHICAGO,
      "2026-11-01T06:30:00.000Z",
    ],
    [
      "picture day at 02:15 on the spring-forward night, New York",
      "picture_day",
      0,
      "02:15",
      "2026-03-08",
      "America/New_York",
      "2026-03-08T07:15:00.000Z",
    ],
    [
      "Santiago skips midnight: 00:00 on the day is 01:00",
      "shipping_deadline",
      2,
      "00:00",
      "2026-09-08",
      "America/Santiago",
      "2026-09-06T04:00:00.000Z",
    ],
    [
      "Lord Howe's 30-minute gap: 02:10 moves to 02:40",
      "coupon_deadline",
      1,
      "02:10",
      "2026-10-05",
      "Australia/Lord_Howe",
      "2026-10-03T15:40:00.000Z",
    ],
  ])("%s", (_name, trigger, days, time, date, tz, expected) => {
    expect(iso(notificationMoment(timing(trigger, days, time), { date }, tz))).toBe(expected);
  });
});

describe("notificationMoment: times the clock skips or shows twice, for event and appointment triggers", () => {
  test.each<[string, Trigger, number, number, string, string, string, string]>([
    // name, trigger, offsetDays, offsetHours, timeOfDay, anchor instant, zone, expected
    // 02:30 EST on 7 March, "1 day after, same clock time": 02:30 is skipped on the 8th → 03:30 EDT.
    [
      "registered, 1 day after, immediately, onto the US spring-forward night",
      "customer_registered",
      1,
      0,
      "immediately",
      "2026-03-07T07:30:00.000Z",
      "America/New_York",
      "2026-03-08T07:30:00.000Z",
    ],
    // 02:30 CEST on 24 October; 02:30 on the 25th is shown twice → the earlier, CEST.
    [
      "follow-up, 1 day after, immediately, onto the Berlin fall-back night",
      "appointment_followup",
      1,
      0,
      "immediately",
      "2026-10-24T00:30:00.000Z",
      BERLIN,
      "2026-10-25T00:30:00.000Z",
    ],
    // 02:30:20 CDT on 9 March; the day before at the same clock time is skipped → 03:30:20 CDT.
    [
      "reminder, 1 day before, immediately keeps seconds across the gap",
      "appointment_reminder",
      1,
      0,
      "immediately",
      "2026-03-09T07:30:20.000Z",
      CHICAGO,
      "2026-03-08T08:30:20.000Z",
    ],
    [
      "reminder, 2 days before at 02:30, onto the US spring-forward night",
      "appointment_reminder",
      2,
      0,
      "02:30",
      "2026-03-10T15:00:00.000Z",
      CHICAGO,
      "2026-03-08T08:30:00.000Z",
    ],
    [
      "follow-up, 1 day after at 02:30, onto the Berlin fall-back night",
      "appointment_followup",
      1,
      0,
      "02:30",
      "2026-10-24T10:00:00.000Z",
      BERLIN,
      "2026-10-25T00:30:00.000Z",
    ],
    // "0 days after at 02:30" from an event at 01:00 EST: today's 02:30 is 03:30 EDT, still ahead.
    [
      "job selling, 0 days at 02:30, event before the gap",
      "job_selling",
      0,
      0,
      "02:30",
      "2026-03-08T06:00:00.000Z",
      "America/New_York",
      "2026-03-08T07:30:00.000Z",
    ],
    // From an event at 03:45 EDT the moved 02:30 (03:30) has passed: the next is tomorrow's.
    [
      "job selling, 0 days at 02:30, event after the moved time",
      "job_selling",
      0,
      0,
      "02:30",
      "2026-03-08T07:45:00.000Z",
      "America/New_York",
      "2026-03-09T06:30:00.000Z",
    ],
  ])("%s", (_name, trigger, days, hours, time, at, tz, expected) => {
    expect(iso(notificationMoment(timing(trigger, days, time, hours), { at: new Date(at) }, tz))).toBe(expected);
  });
});

describe("notificationMoment: event triggers", () => {
  test.each<[string, Trigger, number, string, string, string, string]>([
    // name, trigger, offsetDays, timeOfDay, event instant, zone, expected
    [
      "job selling, immediately = the event instant",
      "job_selling",
      0,
      "immediately",
      "2026-05-12T13:47:12.345Z",
      BERLIN,
      "2026-05-12T13:47:12.345Z",
    ],
    [
      "job selling, 0 days at 09:00, event 15:00 local → next morning",
      "job_selling",
      0,
      "09:00",
      "2026-05-12T13:00:00.000Z",
      BERLIN,
      "2026-05-13T07:00:00.000Z",
    ],
    [
      "job selling, 0 days at 09:00, event 08:00 local → same morning",
      "job_selling",
      0,
      "09:00",
      "2026-05-12T06:00:00.000Z",
      BERLIN,
      "2026-05-12T07:00:00.000Z",
    ],
    [
      "job selling, 0 days at 09:00, event exactly 09:00 local → that instant",
      "job_selling",
      0,
      "09:00",
      "2026-05-12T07:00:00.000Z",
      BERLIN,
      "2026-05-12T07:00:00.000Z",
    ],
    [
      "job selling, 0 days at 18:00, event 15:00 local → same evening",
      "job_selling",
      0,
      "18:00",
      "2026-05-12T13:00:00.000Z",
      BERLIN,
      "2026-05-12T16:00:00.000Z",
    ],
    [
      "job selling, 0 days at 09:00, event 15:00 Chicago → next morning",
      "job_selling",
      0,
      "09:00",
      "2026-05-12T20:00:00.000Z",
      CHICAGO,
      "2026-05-13T14:00:00.000Z",
    ],
    [
      "job selling, 2 days after at 18:00",
      "job_selling",
      2,
      "18:00",
      "2026-05-12T13:00:00.000Z",
      BERLIN,
      "2026-05-14T16:00:00.000Z",
    ],
    [
      "job selling, 2 days after at 18:00, across the autumn change",
      "job_selling",
      2,
      "18:00",
      "2026-10-24T08:00:00.000Z",
      BERLIN,
      "2026-10-26T17:00:00.000Z",
    ],
    [
      "job selling, next morning across the Berlin spring change",
      "job_selling",
      0,
      "09:00",
      "2026-03-28T14:00:00.000Z",
      BERLIN,
      "2026-03-29T07:00:00.000Z",
    ],
    [
      "job selling, next morning across the Chicago autumn change",
      "job_selling",
      0,
      "09:00",
      "2026-10-31T20:00:00.000Z",
      CHICAGO,
      "2026-11-01T15:00:00.000Z",
    ],
    [
      "photos available, immediately = the event instant",
      "photos_available",
      0,
      "immediately",
      "2026-05-12T21:05:00.000Z",
      CHICAGO,
      "2026-05-12T21:05:00.000Z",
    ],
    // 23:30 CDT on the 12th is already the 13th in UTC: the local day counts.
    [
      "photos available, 1 day after at 09:00 counts local days",
      "photos_available",
      1,
      "09:00",
      "2026-05-13T04:30:00.000Z",
      CHICAGO,
      "2026-05-13T14:00:00.000Z",
    ],
    [
      "customer registered, immediately",
      "customer_registered",
      0,
      "immediately",
      "2026-05-12T13:20:00.000Z",
      BERLIN,
      "2026-05-12T13:20:00.000Z",
    ],
    [
      "customer registered, 1 day after, immediately = same clock time",
      "customer_registered",
      1,
      "immediately",
      "2026-05-12T13:20:00.000Z",
      BERLIN,
      "2026-05-13T13:20:00.000Z",
    ],
    [
      "customer registered, 1 day after, same clock time across the spring change",
      "customer_registered",
      1,
      "immediately",
      "2026-03-28T14:20:00.000Z",
      BERLIN,
      "2026-03-29T13:20:00.000Z",
    ],
    [
      "order placed, immediately",
      "order_placed",
      0,
      "immediately",
      "2026-05-12T09:59:59.999Z",
      BERLIN,
      "2026-05-12T09:59:59.999Z",
    ],
    [
      "order placed, 3 days after at 09:00",
      "order_placed",
      3,
      "09:00",
      "2026-05-12T09:59:59.999Z",
      BERLIN,
      "2026-05-15T07:00:00.000Z",
    ],
  ])("%s", (_name, trigger, days, time, at, tz, expected) => {
    expect(iso(notificationMoment(timing(trigger, days, time), { at: new Date(at) }, tz))).toBe(expected);
  });
});

describe("notificationMoment: appointment triggers", () => {
  test.each<[string, Trigger, number, number, string, string, string, string]>([
    // name, trigger, offsetDays, offsetHours, timeOfDay, appointment (or booking) instant, zone, expected
    [
      "reminder, 24 hours before",
      "appointment_reminder",
      0,
      24,
      "immediately",
      "2026-05-20T08:00:00.000Z",
      BERLIN,
      "2026-05-19T08:00:00.000Z",
    ],
    [
      "reminder, 24 hours before is exact across the spring change",
      "appointment_reminder",
      0,
      24,
      "immediately",
      "2026-03-29T08:00:00.000Z",
      BERLIN,
      "2026-03-28T08:00:00.000Z",
    ],
    [
      "reminder, 2 hours before",
      "appointment_reminder",
      0,
      2,
      "immediately",
      "2026-05-20T15:00:00.000Z",
      CHICAGO,
      "2026-05-20T13:00:00.000Z",
    ],
    [
      "reminder, 2 days before at 18:00",
      "appointment_reminder",
      2,
      0,
      "18:00",
      "2026-05-20T08:00:00.000Z",
      BERLIN,
      "2026-05-18T16:00:00.000Z",
    ],
    [
      "reminder, 2 days before at 18:00 (Chicago, across the spring change)",
      "appointment_reminder",
      2,
      0,
      "18:00",
      "2026-03-09T15:00:00.000Z",
      CHICAGO,
      "2026-03-08T00:00:00.000Z",
    ],
    // 00:30 CEST on 30 March; 48 h earlier is 23:30 CET on the 27th, but two calendar days before is the 28th.
    [
      "reminder, 2 days before at 18:00, 00:30 appointment after the spring change",
      "appointment_reminder",
      2,
      0,
      "18:00",
      "2026-03-29T22:30:00.000Z",
      BERLIN,
      "2026-03-28T17:00:00.000Z",
    ],
    // 23:30 CET on 26 October; 48 h earlier is 00:30 CEST on the 25th, but two calendar days before is the 24th.
    [
      "reminder, 2 days before at 18:00, 23:30 appointment after the autumn change",
      "appointment_reminder",
      2,
      0,
      "18:00",
      "2026-10-26T22:30:00.000Z",
      BERLIN,
      "2026-10-24T16:00:00.000Z",
    ],
    [
      "reminder, 2 days before, immediately = same clock time",
      "appointment_reminder",
      2,
      0,
      "immediately",
      "2026-05-20T08:00:00.000Z",
      BERLIN,
      "2026-05-18T08:00:00.000Z",
    ],
    [
      "reminder, 2 days before, same clock time across the spring change",
      "appointment_reminder",
      2,
      0,
      "immediately",
      "2026-03-30T08:00:00.000Z",
      BERLIN,
      "2026-03-28T09:00:00.000Z",
    ],
    [
      "follow-up, 1 day after, immediately keeps seconds",
      "appointment_followup",
      1,
      0,
      "immediately",
      "2026-05-20T08:00:30.500Z",
      BERLIN,
      "2026-05-21T08:00:30.500Z",
    ],
    [
      "follow-up, 3 hours after",
      "appointment_followup",
      0,
      3,
      "immediately",
      "2026-05-20T08:00:00.000Z",
      BERLIN,
      "2026-05-20T11:00:00.000Z",
    ],
    [
      "follow-up, 3 hours after is exact across the autumn change",
      "appointment_followup",
      0,
      3,
      "immediately",
      "2026-10-24T23:30:00.000Z",
      BERLIN,
      "2026-10-25T02:30:00.000Z",
    ],
    [
      "follow-up, 1 day after at 09:00",
      "appointment_followup",
      1,
      0,
      "09:00",
      "2026-05-20T13:00:00.000Z",
      BERLIN,
      "2026-05-21T07:00:00.000Z",
    ],
    [
      "follow-up, 1 day after at 09:00, 23:30 CDT appointment",
      "appointment_followup",
      1,
      0,
      "09:00",
      "2026-05-21T04:30:00.000Z",
      CHICAGO,
      "2026-05-21T14:00:00.000Z",
    ],
    [
      "booked, immediately = the booking instant",
      "appointment_booked",
      0,
      0,
      "immediately",
      "2026-05-02T10:11:12.131Z",
      BERLIN,
      "2026-05-02T10:11:12.131Z",
    ],
    [
      "booked, 1 hour after",
      "appointment_booked",
      0,
      1,
      "immediately",
      "2026-05-02T10:11:12.131Z",
      BERLIN,
      "2026-05-02T11:11:12.131Z",
    ],
  ])("%s", (_name, trigger, days, hours, time, at, tz, expected) => {
    expect(iso(notificationMoment(timing(trigger, days, time, hours), { at: new Date(at) }, tz))).toBe(expected);
  });
});

describe("notificationMoment: calendar days onto each 2026 transition day agree with Temporal", () => {
  // Anchors every 15 minutes of the day next to a transition day, so that one calendar day later
  // (or earlier) lands on every clock time of the transition day, skipped and repeated ones too.
  test.each(["America/New_York", BERLIN, "America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham"])("%s", (tz) => {
    const wrong: string[] = [];
    let z = Temporal.Instant.from("2026-01-01T00:00:00Z").toZonedDateTimeISO(tz);
    for (
      let next = z.getTimeZoneTransition("next");
      next && next.year === 2026;
      next = next.getTimeZoneTransition("next")
    ) {
      const day = next.toPlainDate();
      for (let clock = 0; clock < 24 * 60; clock += 15) {
        const time = Temporal.PlainTime.from({ hour: Math.floor(clock / 60), minute: clock % 60 });
        const hhmm = time.toString().slice(0, 5);
        const before = day.subtract({ days: 1 }).toZonedDateTime({ timeZone: tz, plainTime: time });
        const after = day.add({ days: 1 }).toZonedDateTime({ timeZone: tz, plainTime: time });
        const cases: [string, Timing, Date, Temporal.ZonedDateTime][] = [
          [
            "registered, 1 day after, immediately",
            timing("customer_registered", 1, "immediately"),
            new Date(before.epochMilliseconds),
            before.add({ days: 1 }),
          ],
          [
            "reminder, 1 day before, immediately",
            timing("appointment_reminder", 1, "immediately"),
            new Date(after.epochMilliseconds),
            after.subtract({ days: 1 }),
          ],
          [
            `follow-up, 1 day after at ${hhmm}`,
            timing("appointment_followup", 1, hhmm),
            new Date(before.epochMilliseconds),
            day.toZonedDateTime({ timeZone: tz, plainTime: time }),
          ],
        ];
        for (const [name, t, at, expected] of cases) {
          const got = notificationMoment(t, { at }, tz);
          if (got?.getTime() !== expected.epochMilliseconds)
            wrong.push(`${name} from ${at.toISOString()}: ${iso(got)}, Temporal ${expected.toInstant()}`);
        }
      }
      z = next;
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

describe("notificationMoment: a missing anchor gives no moment", () => {
  test.each<[string, Trigger, { date?: string | null; at?: Date | null }]>([
    ["archive date not set", "job_archiving", { date: null }],
    ["coupon deadline absent", "coupon_deadline", {}],
    ["shipping deadline empty", "shipping_deadline", { date: "" }],
    ["picture day reads the date, not an instant", "picture_day", { at: new Date("2026-05-12T10:00:00Z") }],
    ["job not yet selling", "job_selling", { at: null }],
    ["photos not yet available", "photos_available", {}],
    ["an event trigger reads the instant, not a date", "customer_registered", { date: "2026-05-12" }],
    ["no order", "order_placed", { at: null }],
    ["no booking", "appointment_booked", {}],
    ["reminder without an appointment", "appointment_reminder", { at: null }],
    ["follow-up without an appointment", "appointment_followup", { date: "2026-05-12" }],
  ])("%s", (_name, trigger, anchor) => {
    const info = TRIGGER_INFO[trigger];
    expect(notificationMoment(timing(trigger, 1, "09:00", info.unit === "hours" ? 2 : 0), anchor, BERLIN)).toBeNull();
    expect(notificationMoment(timing(trigger, 0, "immediately"), anchor, BERLIN)).toBeNull();
  });
});

describe("inAudience (buyer = at least one order)", () => {
  const customers = {
    "no order, no photos": { orders: 0, photosAvailable: false },
    "no order, photos": { orders: 0, photosAvailable: true },
    "1 order, no photos": { orders: 1, photosAvailable: false },
    "1 order, photos": { orders: 1, photosAvailable: true },
    "5 orders, photos": { orders: 5, photosAvailable: true },
  } as const;
  type Who = keyof typeof customers;
  // Who is in, for each audience × condition; everyone else is out.
  const included: Record<Audience, Record<Condition, Who[]>> = {
    all: {
      any: ["no order, no photos", "no order, photos", "1 order, no photos", "1 order, photos", "5 orders, photos"],
      with_photos: ["no order, photos", "1 order, photos", "5 orders, photos"],
      without_photos: ["no order, no photos", "1 order, no photos"],
    },
    potential_buyers: {
      any: ["no order, no photos", "no order, photos"],
      with_photos: ["no order, photos"],
      without_photos: ["no order, no photos"],
    },
    buyers: {
      any: ["1 order, no photos", "1 order, photos", "5 orders, photos"],
      with_photos: ["1 order, photos", "5 orders, photos"],
      without_photos: ["1 order, no photos"],
    },
  };
  const rows = AUDIENCES.flatMap((audience) =>
    CONDITIONS.flatMap((condition) =>
      (Object.keys(customers) as Who[]).map(
        (who) => [audience, condition, who, included[audience][condition].includes(who)] as const,
      ),
    ),
  );

  test("the table covers every audience × condition × customer", () => {
    expect(rows).toHaveLength(AUDIENCES.length * CONDITIONS.length * Object.keys(customers).length);
  });

  test.each(rows)("%s / %s / %s → %p", (audience, condition, who, expected) => {
    expect(inAudience(audience, condition, customers[who])).toBe(expected);
  });
});

describe("momentState (grace period)", () => {
  const M = Date.parse("2026-05-20T07:00:00.000Z");
  const H = 3_600_000;
  const GRACE = 24 * H;
  test.each<[string, number, number, "ahead" | "due" | "missed"]>([
    // name, now − moment (ms), grace (ms), expected
    ["a day ahead", -24 * H, GRACE, "ahead"],
    ["1 ms ahead", -1, GRACE, "ahead"],
    ["exactly at the moment", 0, GRACE, "due"],
    ["1 ms late", 1, GRACE, "due"],
    ["23 h late", 23 * H, GRACE, "due"],
    ["exactly 24 h late is still due", GRACE, GRACE, "due"],
    ["24 h + 1 ms late is missed", GRACE + 1, GRACE, "missed"],
    ["3 days late", 72 * H, GRACE, "missed"],
    ["no grace: exactly on time is due", 0, 0, "due"],
    ["no grace: 1 ms late is missed", 1, 0, "missed"],
    ["1 h grace: 1 h late is due", H, H, "due"],
    ["1 h grace: 1 h + 1 ms late is missed", H + 1, H, "missed"],
  ])("%s", (_name, lateMs, graceMs, expected) => {
    expect(momentState(new Date(M), new Date(M + lateMs), graceMs)).toBe(expected);
  });
});

describe("TRIGGER_INFO", () => {
  const APPOINTMENT: Trigger[] = ["appointment_booked", "appointment_reminder", "appointment_followup"];
  const JOB = TRIGGERS.filter((t) => !APPOINTMENT.includes(t));

  test("describes exactly the schema's triggers", () => {
    expect(Object.keys(TRIGGER_INFO).sort()).toEqual([...TRIGGERS].sort());
  });

  test.each<[Trigger, Audience[]]>([
    ["job_selling", ["all", "potential_buyers", "buyers"]],
    ["job_archiving", ["all", "potential_buyers", "buyers"]],
    ["picture_day", ["all", "potential_buyers", "buyers"]],
    ["photos_available", ["all", "potential_buyers", "buyers"]],
    ["customer_registered", ["potential_buyers"]],
    ["coupon_deadline", ["all", "potential_buyers", "buyers"]],
    ["shipping_deadline", ["all", "potential_buyers", "buyers"]],
    ["order_placed", ["buyers"]],
    ["appointment_booked", ["all"]],
    ["appointment_reminder", ["all"]],
    ["appointment_followup", ["all"]],
  ])("%s allows %p", (trigger, audiences) => {
    const info = TRIGGER_INFO[trigger];
    expect([...info.audiences]).toEqual(audiences);
    // The editor says why the others are not offered.
    if (audiences.length < AUDIENCES.length) expect(info.audienceNote?.length).toBeGreaterThan(0);
  });

  test.each(APPOINTMENT)("%s: voice allowed, transactional, per customer, offsets in hours", (trigger) => {
    const info = TRIGGER_INFO[trigger];
    expect([...info.channels].sort()).toEqual(["email", "sms", "voice"]);
    expect(info.transactional).toBe(true);
    expect(info.perCustomer).toBe(true);
    expect(info.unit).toBe("hours");
  });

  test.each(JOB)("%s: email and SMS only, not transactional, offsets in days", (trigger) => {
    const info = TRIGGER_INFO[trigger];
    expect([...info.channels].sort()).toEqual(["email", "sms"]);
    expect(info.channels).not.toContain("voice");
    expect(info.transactional).toBe(false);
    expect(info.unit).toBe("days");
  });

  test.each<[Trigger, TriggerShape]>([
    ["job_selling", { anchor: "event", direction: "after", perCustomer: false }],
    ["job_archiving", { anchor: "job_date", jobDate: "archiveDate", direction: "before", perCustomer: false }],
    ["picture_day", { anchor: "job_date", jobDate: "shootDate", direction: "either", perCustomer: false }],
    ["photos_available", { anchor: "event", direction: "after", perCustomer: true }],
    ["customer_registered", { anchor: "event", direction: "after", perCustomer: true }],
    ["coupon_deadline", { anchor: "job_date", jobDate: "couponDeadline", direction: "before", perCustomer: false }],
    ["shipping_deadline", { anchor: "job_date", jobDate: "shippingDeadline", direction: "before", perCustomer: false }],
    ["order_placed", { anchor: "event", direction: "after", perCustomer: true }],
    ["appointment_booked", { anchor: "event", direction: "after", perCustomer: true }],
    ["appointment_reminder", { anchor: "appointment", direction: "before", perCustomer: true }],
    ["appointment_followup", { anchor: "appointment", direction: "after", perCustomer: true }],
  ])("%s: anchor and direction", (trigger, shape) => {
    const { anchor, jobDate, direction, perCustomer } = TRIGGER_INFO[trigger];
    expect({ anchor, jobDate, direction, perCustomer }).toEqual({ jobDate: undefined, ...shape });
  });
});

type TriggerShape = Pick<TriggerInfo, "anchor" | "jobDate" | "direction" | "perCustomer">;

describe("timeOfDay", () => {
  test.each<[string, boolean]>([
    ["immediately", true],
    ["09:00", true],
    ["18:00", true],
    ["00:00", true],
    ["23:59", true],
    [" 07:30 ", true],
    ["24:00", false],
    ["9:00", false],
    ["09:60", false],
    ["morning", false],
    ["", false],
  ])("%p → %p", (value, ok) => {
    expect(timeOfDay.safeParse(value).success).toBe(ok);
  });
});
