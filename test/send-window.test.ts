// Wall-clock times in time zones across DST changes (SPEC D6, P3/P4): a time the clock skips
// moves forward by the gap, a time it shows twice is the earlier one (Temporal's "compatible"
// rule), checked against @js-temporal/polyfill around every transition of 2026–2027 in a dozen
// zones and some historic ones; and the sending window, which opens at the earliest instant
// its wall clock allows and never in the past.
import { describe, expect, test } from "bun:test";
import { Temporal } from "@js-temporal/polyfill";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { audienceCustomerIds } from "../src/db/message-audience.ts";
import { appointments, customers } from "../src/db/schema.ts";
import { nextSendableInstant, startOfZonedDay, zonedTimeToInstant } from "../src/core/send-window.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (d: Date) => d.toISOString();
const two = (n: number) => String(n).padStart(2, "0");

describe("the three cases of the defect", () => {
  test("02:30 on a US spring-forward night is 03:30 EDT, not 01:30 EST an hour early", () => {
    // New York jumps from 02:00 EST to 03:00 EDT at 07:00Z on 2026-03-08.
    expect(iso(zonedTimeToInstant({ year: 2026, month: 3, day: 8 }, "02:30", "America/New_York"))).toBe(
      "2026-03-08T07:30:00.000Z",
    );
    expect(iso(zonedTimeToInstant({ year: 2026, month: 3, day: 8 }, "02:30", "America/Los_Angeles"))).toBe(
      "2026-03-08T10:30:00.000Z",
    );
  });

  test("Berlin 02:30 on 2026-10-25, shown twice, is the earlier (CEST) one", () => {
    // 02:30 CEST is 00:30Z; the clock falls back at 01:00Z and shows 02:30 CET again at 01:30Z.
    expect(iso(zonedTimeToInstant({ year: 2026, month: 10, day: 25 }, "02:30", "Europe/Berlin"))).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    expect(iso(zonedTimeToInstant({ year: 2026, month: 11, day: 1 }, "01:30", "America/New_York"))).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });

  test("nextSendableInstant never returns an instant before now", () => {
    // 01:45 EST, window from 02:30: the clock jumps to 03:00 EDT at 07:00Z, inside the window.
    const springNow = new Date("2026-03-08T06:45:00Z");
    const spring = nextSendableInstant(springNow, { start: "02:30", end: "21:00" }, "America/New_York");
    expect(spring.getTime()).toBeGreaterThanOrEqual(springNow.getTime());
    expect(iso(spring)).toBe("2026-03-08T07:00:00.000Z");
    // 01:10 EST after falling back, window from 01:30: the first 01:30 (EDT) is past; the second is next.
    const autumnNow = new Date("2026-11-01T06:10:00Z");
    const autumn = nextSendableInstant(autumnNow, { start: "01:30", end: "21:00" }, "America/New_York");
    expect(autumn.getTime()).toBeGreaterThanOrEqual(autumnNow.getTime());
    expect(iso(autumn)).toBe("2026-11-01T06:30:00.000Z");
  });
});

describe("zonedTimeToInstant: named edges", () => {
  test.each<[string, string, string, string]>([
    // name, zone, local "YYYY-MM-DD HH:MM", expected instant
    [
      "Lord Howe's 30-minute gap: 02:15 moves to 02:45 (+11)",
      "Australia/Lord_Howe",
      "2026-10-04 02:15",
      "2026-10-03T15:45:00.000Z",
    ],
    [
      "Lord Howe's 30-minute overlap: 01:45 is the earlier (+11) one",
      "Australia/Lord_Howe",
      "2026-04-05 01:45",
      "2026-04-04T14:45:00.000Z",
    ],
    [
      "Santiago skips midnight: 00:00 is 01:00 (-03)",
      "America/Santiago",
      "2026-09-06 00:00",
      "2026-09-06T04:00:00.000Z",
    ],
    [
      "Santiago shows 23:30 twice: the earlier (-03) one",
      "America/Santiago",
      "2026-04-04 23:30",
      "2026-04-05T02:30:00.000Z",
    ],
    [
      "Chatham's 02:45 gap: 03:00 moves to 04:00 (+13:45)",
      "Pacific/Chatham",
      "2026-09-27 03:00",
      "2026-09-26T14:15:00.000Z",
    ],
    ["Havana skips midnight: 00:30 is 01:30 (-04)", "America/Havana", "2026-03-08 00:30", "2026-03-08T05:30:00.000Z"],
    [
      "Apia skipped 30 December 2011 whole: noon moves a day forward",
      "Pacific/Apia",
      "2011-12-30 12:00",
      "2011-12-30T22:00:00.000Z",
    ],
    ["an ordinary summer day in Sydney", "Australia/Sydney", "2026-01-15 09:00", "2026-01-14T22:00:00.000Z"],
  ])("%s", (_name, zone, local, expected) => {
    const [date, time] = local.split(" ") as [string, string];
    const [year, month, day] = date.split("-").map(Number) as [number, number, number];
    expect(iso(zonedTimeToInstant({ year, month, day }, time, zone))).toBe(expected);
  });
});

// The reference: every offset change of a zone, as @js-temporal/polyfill sees it.
type Transition = { at: number; before: number; after: number };
type ZoneModel = { zone: string; first: number; transitions: Transition[] };

function zoneModel(zone: string, from: string, to: string): ZoneModel {
  const end = Date.parse(to);
  let z = Temporal.Instant.from(from).toZonedDateTimeISO(zone);
  const model: ZoneModel = { zone, first: z.offsetNanoseconds / 1e6, transitions: [] };
  for (;;) {
    const next = z.getTimeZoneTransition("next");
    if (!next || next.epochMilliseconds > end) return model;
    model.transitions.push({
      at: next.epochMilliseconds,
      before: z.offsetNanoseconds / 1e6,
      after: next.offsetNanoseconds / 1e6,
    });
    z = next;
  }
}

/** The reference's wall clock at `t`, written as if it were UTC. */
function referenceWall(m: ZoneModel, t: number): number {
  let offset = m.first;
  for (const tr of m.transitions) {
    if (tr.at > t) break;
    offset = tr.after;
  }
  return t + offset;
}

const plainDay = (epochDay: number) => {
  const d = new Date(epochDay * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};

/**
 * The days to check, as epoch days, with the minutes between checked times: every 15 minutes of
 * the local days on either side of each transition and of the given ordinary days; every hour of
 * the day before and after, which the 24-hour look-around of the rule still reaches.
 */
function daysToCheck(m: ZoneModel, ordinary: string[]): Map<number, number> {
  const days = new Map<number, number>(ordinary.map((d) => [Date.parse(d) / 86_400_000, 15]));
  for (const tr of m.transitions) {
    const before = Math.floor((tr.at - 1 + tr.before) / 86_400_000);
    const after = Math.floor((tr.at + tr.after) / 86_400_000);
    const [first, last] = [Math.min(before, after), Math.max(before, after)];
    for (let d = first - 1; d <= last + 1; d++)
      days.set(d, Math.min(days.get(d) ?? 60, d < first || d > last ? 60 : 15));
  }
  return new Map([...days].sort(([a], [b]) => a - b));
}

const GRID: [string, string, string, string[]][] = [
  // zone, from, to (transitions between), ordinary days also checked
  ["America/New_York", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-06-15"]],
  ["America/Chicago", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-01-15"]],
  ["America/Los_Angeles", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-07-04"]],
  ["America/Sao_Paulo", "2017-06-01T00:00:00Z", "2019-06-01T00:00:00Z", ["2026-03-08", "2026-11-01"]],
  ["America/Santiago", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-06-15"]],
  ["Europe/Berlin", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-06-15"]],
  ["Europe/London", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-12-31"]],
  ["Australia/Sydney", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-01-15"]],
  ["Australia/Lord_Howe", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-07-15"]],
  ["Pacific/Auckland", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-07-15"]],
  ["Pacific/Chatham", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-01-15"]],
  // Iran kept DST until 2022, switching at midnight.
  ["Asia/Tehran", "2021-01-01T00:00:00Z", "2023-01-01T00:00:00Z", ["2026-03-22", "2026-09-22"]],
  ["UTC", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", ["2026-03-29", "2026-10-25"]],
  // Historic and irregular: midnight changes, a skipped day, one-way changes, 2-hour DST.
  ["Asia/Beirut", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", []],
  ["America/Havana", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", []],
  ["Pacific/Apia", "2011-06-01T00:00:00Z", "2012-01-01T00:00:00Z", []],
  ["Europe/Moscow", "2011-01-01T00:00:00Z", "2015-01-01T00:00:00Z", []],
  ["America/Caracas", "2016-01-01T00:00:00Z", "2017-01-01T00:00:00Z", []],
  ["Antarctica/Troll", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", []],
];

describe("zonedTimeToInstant and startOfZonedDay agree with Temporal around each transition", () => {
  test.each(GRID)("%s", (zone, from, to, ordinary) => {
    const m = zoneModel(zone, from, to);
    if (zone !== "UTC") expect(m.transitions.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    let checked = 0;
    for (const [epochDay, step] of daysToCheck(m, ordinary)) {
      const date = plainDay(epochDay);
      const day = Temporal.PlainDate.from(date);
      const start = day.toZonedDateTime(zone).epochMilliseconds;
      if (startOfZonedDay(date, zone).getTime() !== start)
        wrong.push(`${day} starts ${iso(startOfZonedDay(date, zone))}, Temporal ${new Date(start).toISOString()}`);
      for (let clock = 0; clock < 24 * 60; clock += step) {
        const [hour, minute] = [Math.floor(clock / 60), clock % 60];
        const expected = day
          .toPlainDateTime({ hour, minute })
          .toZonedDateTime(zone, { disambiguation: "compatible" }).epochMilliseconds;
        const got = zonedTimeToInstant(date, `${two(hour)}:${two(minute)}`, zone).getTime();
        checked++;
        if (got !== expected)
          wrong.push(
            `${day} ${two(hour)}:${two(minute)} → ${new Date(got).toISOString()}, Temporal ${new Date(expected).toISOString()}`,
          );
      }
    }
    expect(checked).toBeGreaterThanOrEqual(96);
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

describe("nextSendableInstant around each transition (property, on a minute grid)", () => {
  const WINDOWS: [string, string][] = [
    ["09:00", "21:00"],
    ["02:30", "21:00"], // start skipped on US and EU spring-forward nights
    ["01:30", "05:00"], // start shown twice on US fall-back nights
    ["02:15", "02:45"], // the whole window skipped, or shown twice
    ["01:45", "02:15"], // across Lord Howe's 30-minute changes
    ["00:00", "01:00"], // skipped where midnight is (Santiago, Havana, Beirut)
    ["23:00", "24:00"], // to the end of the day, shown twice where the clock falls back at midnight
    ["00:00", "24:00"],
  ];
  const ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Havana",
    "Asia/Beirut",
    "UTC",
  ];

  test.each(ZONES)("%s", (zone) => {
    const m = zoneModel(zone, "2025-12-01T00:00:00Z", "2027-01-01T00:00:00Z");
    // Around each transition of 2026, and an ordinary week in the middle of the year.
    const centres = [
      ...m.transitions.filter((tr) => tr.at >= Date.parse("2026-01-01T00:00:00Z")).map((tr) => tr.at),
      Date.parse("2026-06-10T00:00:00Z"),
    ];
    const wrong: string[] = [];
    let cases = 0;
    for (const centre of centres) {
      // An odd step, and seconds, so "now" falls on every phase of the hour.
      for (let now = centre - 16 * HOUR + 13_500; now <= centre + 16 * HOUR; now += 43 * MINUTE) {
        for (const [start, end] of WINDOWS) {
          cases++;
          const [s, e] = [minutes(start) * MINUTE, minutes(end) * MINUTE];
          const open = (t: number) => {
            const clock = ((referenceWall(m, t) % 86_400_000) + 86_400_000) % 86_400_000;
            return clock >= s && clock < e;
          };
          const got = nextSendableInstant(new Date(now), { start, end }, zone).getTime();
          const what = `${new Date(now).toISOString()} ${start}–${end} → ${new Date(got).toISOString()}`;
          if (got < now) wrong.push(`${what}: before now`);
          else if (open(now) && got !== now) wrong.push(`${what}: open now`);
          else if (!open(got)) wrong.push(`${what}: not open then`);
          else {
            for (let t = Math.ceil(now / MINUTE) * MINUTE; t < got; t += MINUTE) {
              if (open(t)) {
                wrong.push(`${what}: already open at ${new Date(t).toISOString()}`);
                break;
              }
            }
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(300);
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

function minutes(hhmm: string) {
  const [h, mm] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + mm;
}

describe("nextSendableInstant: named edges", () => {
  test.each<[string, string, string, string, string, string]>([
    // name, zone, now, start, end, expected
    [
      "inside the window: now itself",
      "Europe/Berlin",
      "2026-10-25T10:00:00.000Z",
      "09:00",
      "21:00",
      "2026-10-25T10:00:00.000Z",
    ],
    [
      "before the window on the autumn change day: 09:00 CET",
      "Europe/Berlin",
      "2026-10-25T05:00:00.000Z",
      "09:00",
      "21:00",
      "2026-10-25T08:00:00.000Z",
    ],
    [
      "window until 24:00: open at 23:59",
      "Europe/Berlin",
      "2026-06-10T21:59:00.000Z",
      "09:00",
      "24:00",
      "2026-06-10T21:59:00.000Z",
    ],
    [
      "window until 24:00: closed at midnight, opens at 09:00",
      "Europe/Berlin",
      "2026-06-10T22:00:00.000Z",
      "09:00",
      "24:00",
      "2026-06-11T07:00:00.000Z",
    ],
    [
      "Berlin 02:30 start on the spring night opens at the jump, 03:00 CEST",
      "Europe/Berlin",
      "2026-03-29T00:45:00.000Z",
      "02:30",
      "21:00",
      "2026-03-29T01:00:00.000Z",
    ],
    [
      "a window the spring jump skips whole opens the next night",
      "America/New_York",
      "2026-03-08T06:00:00.000Z",
      "02:15",
      "02:45",
      "2026-03-09T06:15:00.000Z",
    ],
    [
      "Santiago 00:00 start on the night midnight is skipped opens at 01:00",
      "America/Santiago",
      "2026-09-06T03:30:00.000Z",
      "00:00",
      "21:00",
      "2026-09-06T04:00:00.000Z",
    ],
    [
      "Lord Howe 02:15 start in the 30-minute gap opens at 02:30",
      "Australia/Lord_Howe",
      "2026-10-03T15:00:00.000Z",
      "02:15",
      "21:00",
      "2026-10-03T15:30:00.000Z",
    ],
  ])("%s", (_name, zone, now, start, end, expected) => {
    expect(iso(nextSendableInstant(new Date(now), { start, end }, zone))).toBe(expected);
  });
});

describe("the appointment date range starts each day at its first instant", () => {
  test("Santiago, where 2026-09-06 begins at 01:00 because midnight is skipped", async () => {
    const db = await openDatabase(":memory:");
    await migrateDatabase(db);
    const [late, early] = await db
      .insert(customers)
      .values([{ email: "late@example.com" }, { email: "early@example.com" }])
      .returning();
    // 23:30 on the 5th (-04) and 01:30 on the 6th (-03), one hour apart.
    await db.insert(appointments).values([
      { customerId: late!.id, startsAt: new Date("2026-09-06T03:30:00Z"), status: "confirmed" },
      { customerId: early!.id, startsAt: new Date("2026-09-06T04:30:00Z"), status: "confirmed" },
    ]);
    const zone = { timeZone: "America/Santiago" };
    const now = new Date("2026-09-01T12:00:00Z");
    expect(
      await audienceCustomerIds(db, { appointment_from: "2026-09-06", appointment_to: "2026-09-06" }, now, zone),
    ).toEqual([early!.id]);
    expect(
      await audienceCustomerIds(db, { appointment_from: "2026-09-05", appointment_to: "2026-09-05" }, now, zone),
    ).toEqual([late!.id]);
  });
});
