// The benchmark runner's reading of figure lines and its verdict against a target: a wrong
// direction would print "met" for a rate that is ten times too slow.
import { describe, expect, test } from "bun:test";
import { meets, parseFigure } from "../bench/support/report.ts";

describe("benchmark figures", () => {
  test("a rate meets its target from above, a time or a size from below", () => {
    expect(meets({ name: "dispatch_email_per_s", value: 2_000, unit: "/s", target: 20_000 })).toBe(false);
    expect(meets({ name: "dispatch_email_per_s", value: 25_000, unit: "/s", target: 20_000 })).toBe(true);
    expect(meets({ name: "cold_start_ms", value: 1_100, unit: "ms", target: 50 })).toBe(false);
    expect(meets({ name: "rss_mb", value: 120, unit: "MB", target: 150 })).toBe(true);
    expect(meets({ name: "held_cancel_100k_ms", value: 1, unit: "ms", target: null })).toBeNull();
  });

  test("only a JSON line with a name, a number and a unit is a figure", () => {
    expect(parseFigure('{"name":"tick_idle_ms","value":5.3,"unit":"ms","target":20}')).toEqual({
      name: "tick_idle_ms",
      value: 5.3,
      unit: "ms",
      target: 20,
    });
    expect(parseFigure('{"name":"x","value":1,"unit":"ms"}')?.target).toBeNull();
    expect(parseFigure('{"name":"x","value":"fast","unit":"ms"}')).toBeNull();
    expect(parseFigure("┌───┬────┐")).toBeNull();
    expect(parseFigure("{ not json")).toBeNull();
  });
});
