// Browser-test harness: the real app on a real `Bun.serve` (port 0, temp file database, real
// clock) driven by Debian's Chromium through playwright-core (STACK-NOTES: the `playwright`
// package downloads its own browser, which this network cannot reach).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { migrateDatabase, openDatabase } from "../../src/db/client.ts";
import { createDeps } from "../../src/deps.ts";
import type { Logger } from "../../src/log.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = join(import.meta.dir, "..", "..", "test-results", "screenshots");

/** Server errors are worth seeing in a failed browser run; routine logs are not. */
const stderrLogger: Logger = (level, msg, fields) => {
  if (level === "warn" || level === "error") console.error(JSON.stringify({ level, msg, ...fields }));
};

export type BrowserHarness = Awaited<ReturnType<typeof startBrowserHarness>>;

export type HarnessOptions = {
  /** Configuration on top of the defaults, e.g. provider keys pointing at the local fakes. */
  env?: Record<string, string>;
  /** The browser's language and time zone, as a customer's or owner's machine has them. */
  locale?: string;
  timezoneId?: string;
};

/** Starts the server on a fresh migrated database and launches Chromium. Call `stop()` after. */
export async function startBrowserHarness(opts: HarnessOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-browser-"));
  const db = await openDatabase(`file:${join(dir, "pigeon.db")}`);
  await migrateDatabase(db);
  // The scheduler belongs to this process, as in `pigeon serve`, but no timer runs it: the tests
  // run its steps themselves when their story needs them (so no "Nothing is being sent" line).
  const deps = createDeps({ db, config: loadConfig(opts.env ?? {}), clock: () => new Date(), log: stderrLogger });
  const app = createApp(deps);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  // Links and the CSRF origin check use PUBLIC_URL, known only once the port is.
  deps.config = { ...deps.config, port: server.port ?? 0, publicUrl: baseUrl };

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context: BrowserContext = await browser.newContext({
    baseURL: baseUrl,
    viewport: DESKTOP,
    locale: opts.locale,
    timezoneId: opts.timezoneId,
  });
  // Fail a step in seconds rather than at the test timeout, with Playwright's own message.
  context.setDefaultTimeout(10_000);
  const page: Page = await context.newPage();
  // Only loopback may be reached; anything else is a bug in a page (a CDN link, say).
  await context.route(/^(?!http:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort("blockedbyclient"));

  return {
    baseUrl,
    deps,
    db,
    browser,
    context,
    page,
    /** Logs in on the login page as staff would, and waits for the dashboard. */
    async logIn(email: string, password: string) {
      await page.goto("/login");
      await page.getByLabel("E-mail").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL((u) => u.pathname === "/");
    },
    /** Saves a full-page screenshot to test-results/screenshots/NAME.png. */
    async screenshot(name: string, viewport: { width: number; height: number } = DESKTOP) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const before = page.viewportSize();
      if (before?.width !== viewport.width || before?.height !== viewport.height) await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      if (before && (before.width !== viewport.width || before.height !== viewport.height))
        await page.setViewportSize(before);
    },
    /** Writes a file into this run's temp folder (for uploads) and returns its path. */
    tempFile(name: string, contents: string) {
      const path = join(dir, name);
      writeFileSync(path, contents);
      return path;
    },
    async stop() {
      await browser.close().catch(() => undefined);
      await server.stop(true);
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
