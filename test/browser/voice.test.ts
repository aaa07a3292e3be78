// A call with a recording, in a real Chromium (SPEC A2, D10): the owner composes an SMS that
// calls only where SMS cannot go, uploads a WAV in the call section (its player appears), sends
// to a customer whose number is a landline, and finds the call in the dev outbox with a player of
// the clip, which the browser can load from /media. The dev outbox's lookup calls +1 555 000…
// numbers landlines. Screenshots: /tmp/pigeon-voice-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { createUser } from "../../src/db/auth.ts";
import { createAppointment, createCustomer } from "../../src/db/customers.ts";
import { devOutbox } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { tinyWav } from "../support/sample-files.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };
let appointment = 0;

beforeAll(async () => {
  h = await startBrowserHarness();
  const now = new Date();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(
    h.db,
    { name: "Brightside Photography", timeZone: "America/Chicago", sendWindowStart: "00:00", sendWindowEnd: "24:00" },
    now,
  );
  const lena = await createCustomer(
    h.db,
    { first_name: "Lena", last_name: "Land", phone: "+15550001234", consent: { sms: true, voice: true } },
    "test",
    now,
  );
  const startsAt = new Date(now.getTime() + 86_400_000);
  appointment = (await createAppointment(h.db, { customerId: lena.id, startsAt, location: "Studio A" }, "api", now)).id;
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

const shot = async (name: string, viewport = DESKTOP) => {
  await h.page.setViewportSize(viewport);
  await h.page.screenshot({ path: `/tmp/pigeon-voice-${name}.png`, fullPage: true });
  await h.page.setViewportSize(DESKTOP);
};

test("compose a call with an uploaded WAV, send it to a landline, hear it in the dev outbox", async () => {
  const { page } = h;
  await page.goto(`/messages/new?appointment_ids=${appointment}`);
  await page.getByLabel("Internal name").fill("Studio closed");
  const channel = (ch: string) => page.locator(`input[name="channels"][value="${ch}"]`);
  await channel("email").uncheck();
  await channel("sms").check();
  await channel("voice").check();
  await page.getByLabel("Call only if the number cannot receive SMS").check();
  await page.locator("#f-sms_body").fill("Brightside is closed tomorrow. We will call to move your session.");

  // The recording: chosen, uploaded, then shown with a player while nothing is saved yet.
  const wav = "/tmp/pigeon-voice-closed.wav";
  writeFileSync(wav, tinyWav(8000));
  await page.locator("#f-voice_audio").setInputFiles(wav);
  await page.getByRole("button", { name: "Upload" }).click();
  const attached = page.locator(".audio-attached");
  await attached.waitFor();
  expect(await attached.innerText()).toContain("pigeon-voice-closed.wav");
  // Its page state came back: the channels and text are as typed.
  expect(await channel("voice").isChecked()).toBe(true);
  expect(await page.locator("#f-sms_body").inputValue()).toContain("closed tomorrow");
  const src = await attached.locator("audio").getAttribute("src");
  expect(src).toMatch(/^\/media\/[A-Za-z0-9_-]{24}\.wav$/);
  const media = await page.request.get(src!);
  expect([media.status(), media.headers()["content-type"]]).toEqual([200, "audio/wav"]);
  await page.locator('select[name="voice_name"]').selectOption("Polly.Joanna");
  await shot("1-compose");
  await shot("1-compose-phone", PHONE);

  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+\/send$/.test(u.pathname));
  expect(await page.locator(".question").innerText()).toBe("Send to 1 appointment by voice call?");
  await page.getByRole("button", { name: /^Send/ }).click();
  await page.waitForURL((u) => /^\/messages\/\d+$/.test(u.pathname));

  // The harness runs no scheduler: start the message and let the app's own dispatcher send.
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  for (let i = 0; i < 4; i++) await h.deps.dispatcher.tick();
  const out = (await h.db.select().from(devOutbox)).map((m) => [m.channel, m.toAddress]);
  expect(out).toEqual([["voice", "+15550001234"]]);

  await page.goto("/outbox/dev");
  const row = page.locator("tbody tr").first();
  expect(await row.innerText()).toContain("Recorded audio: pigeon-voice-closed.wav");
  expect(await row.locator("audio").getAttribute("src")).toBe(src);
  await shot("2-dev-outbox");
  await row.locator("a").first().click();
  await page.waitForURL((u) => /^\/outbox\/dev\/.+/.test(u.pathname));
  const player = page.locator(".call-recording audio");
  await player.waitFor();
  expect(await page.locator(".call-recording").innerText()).toContain("It plays the recording pigeon-voice-closed.wav");
  // The browser loads the clip: its duration is known once its metadata is in.
  const duration = await player.evaluate(
    (el: HTMLAudioElement) =>
      new Promise<number>((resolve) => {
        if (el.readyState >= 1) resolve(el.duration);
        el.addEventListener("loadedmetadata", () => resolve(el.duration));
        el.preload = "metadata";
        el.load();
      }),
  );
  expect(duration).toBeCloseTo(1, 1);
  await shot("3-dev-outbox-call");
});
