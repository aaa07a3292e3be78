// A call's recording, voice and language in the compose form (SPEC A2): the recording uploaded as
// multipart with the form (or by its Upload button), checked by its bytes, shown with a player,
// removed or replaced on a draft; every bad upload answered beside the field with what was typed
// kept and nothing stored.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { createCustomer } from "../src/db/customers.ts";
import { devOutbox, files, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { type Browser, makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";
import { rows } from "./api/support.ts";
import { GIF_HTML_POLYGLOT, HTML_PAGE, PNG_1X1, SVG, tinyMp3WithId3, tinyWav } from "./support/sample-files.ts";

const CALL = {
  name: "Reminder call",
  channels: "voice",
  mode: "address",
  to_address: "+1 312 555 0123",
  voice_script: "See you tomorrow.",
  send_mode: "now",
  intent: "save",
};

/** Posts the compose form as a browser does with a file chosen: multipart, the CSRF token in it. */
async function postMultipart(
  b: Browser,
  path: string,
  fields: Record<string, string>,
  file?: { bytes: Uint8Array; name: string; type?: string },
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("_csrf", b.csrf);
  form.append(
    "voice_audio",
    file ? new File([Buffer.from(file.bytes)], file.name, { type: file.type ?? "audio/mpeg" }) : new File([], ""),
  );
  const res = await b.request(path, { method: "POST", body: form, headers: { Origin: "http://localhost" } });
  return { status: res.status, text: await res.text(), location: res.headers.get("Location") };
}

async function setup() {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  await b.get("/messages/new?mode=address");
  return { t, b };
}

describe("the compose form's recording", () => {
  test("saved with the form, shown with a player, replaced, then removed", async () => {
    const { t, b } = await setup();
    const saved = await postMultipart(
      b,
      "/messages",
      { ...CALL, voice_name: "Polly.Joanna", voice_language: "" },
      { bytes: tinyWav(), name: "C:\\Users\\ann\\reminder.wav", type: "audio/wav" },
    );
    expect(saved.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    const [f] = await t.db.select().from(files);
    expect([m!.voiceFileId, m!.voiceAudioName, m!.voiceName, m!.voiceLanguage]).toEqual([
      f!.id,
      "reminder.wav",
      "Polly.Joanna",
      "",
    ]);
    expect([f!.mimeType, f!.originalName]).toEqual(["audio/wav", "reminder.wav"]);

    const page = await b.get(`/messages/${m!.id}`);
    expect(page.text).toContain(`<audio controls="" preload="none" src="/media/${f!.storedName}"></audio>`);
    expect(page.text).toContain(`name="voice_audio_id" value="${f!.id}"`);
    expect(pageText(page.text)).toContain("reminder.wav · 1 KB");
    expect(page.text).toMatch(/<option value="Polly.Joanna" selected="">/);

    // Replace: a new file chosen on the saved draft.
    const replaced = await postMultipart(
      b,
      `/messages/${m!.id}`,
      { ...CALL, message_id: String(m!.id), voice_audio_id: String(f!.id) },
      { bytes: tinyMp3WithId3(), name: "new.mp3" },
    );
    expect(replaced.status).toBe(303);
    const [after] = await t.db.select().from(messages);
    expect(after!.voiceAudioName).toBe("new.mp3");
    expect(after!.voiceFileId).not.toBe(f!.id);

    // Remove: the button re-renders the form without it; saving keeps it that way.
    const removed = await postMultipart(b, "/messages/form", {
      ...CALL,
      message_id: String(m!.id),
      voice_audio_id: String(after!.voiceFileId),
      remove_audio: "1",
    });
    expect(removed.status).toBe(200);
    expect(removed.text).not.toContain('name="voice_audio_id"');
    const resaved = await postMultipart(b, `/messages/${m!.id}`, { ...CALL, message_id: String(m!.id) });
    expect(resaved.status).toBe(303);
    const [final] = await t.db.select().from(messages).where(eq(messages.id, m!.id));
    expect([final!.voiceFileId, final!.voiceAudioName]).toEqual([null, ""]);
  });

  test("Upload attaches it without saving the message; a recording alone is a whole call", async () => {
    const { t, b } = await setup();
    const { voice_script: _, ...noScript } = CALL;
    const up = await postMultipart(b, "/messages/form", noScript, { bytes: tinyWav(), name: "only.wav" });
    expect(up.status).toBe(200);
    expect(await rows(t.db, messages)).toBe(0);
    const [f] = await t.db.select().from(files);
    expect(up.text).toContain(`name="voice_audio_id" value="${f!.id}"`);
    const saved = await postMultipart(b, "/messages", { ...noScript, voice_audio_id: String(f!.id) });
    expect(saved.status).toBe(303);
    expect((await t.db.select().from(messages))[0]!.voiceFileId).toBe(f!.id);
  });

  test.each([
    [
      "a PNG renamed .mp3",
      PNG_1X1,
      "voice.mp3",
      "voice.mp3 is a PNG image, whatever its name says; upload MP3 or WAV only",
    ],
    ["an SVG", SVG, "logo.mp3", "logo.mp3 holds a web page or SVG (HTML markup)"],
    ["an HTML page", HTML_PAGE, "page.wav", "page.wav holds a web page or SVG (HTML markup)"],
    ["a GIF that is also a page", GIF_HTML_POLYGLOT, "cat.mp3", "cat.mp3 holds a web page or SVG (HTML markup)"],
  ])("%s is refused beside the field; what was typed stays; nothing is stored", async (_, bytes, name, problem) => {
    const { t, b } = await setup();
    const res = await postMultipart(b, "/messages", { ...CALL, name: "Typed name" }, { bytes, name });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain(problem);
    expect(res.text).toContain('id="voice_audio-error"');
    expect(res.text).toContain('value="Typed name"');
    expect(await rows(t.db, files)).toBe(0);
    expect(await rows(t.db, messages)).toBe(0);
  });

  test("a recording over 10 MB is refused by its size, or by the form's limit when far over", async () => {
    const { t, b } = await setup();
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(tinyWav());
    const over = await postMultipart(b, "/messages", CALL, { bytes: big, name: "long.wav" });
    expect(over.status).toBe(422);
    expect(pageText(over.text)).toContain("long.wav is larger than 10 MB, the limit (it has 10,485,761 bytes)");
    const far = await postMultipart(b, "/messages", CALL, { bytes: new Uint8Array(12 * 1024 * 1024), name: "x.wav" });
    expect(far.status).toBe(413);
    expect(pageText(far.text)).toContain("a call's recording may be at most 10 MB");
    expect(await rows(t.db, files)).toBe(0);
    expect(await rows(t.db, messages)).toBe(0);
  });

  // Guards: a recording sent with an empty file name (a client that sends none) is named by what
  // it is instead of failing the whole form.
  test("a recording with no file name is stored as recording.mp3", async () => {
    const { t, b } = await setup();
    const up = await postMultipart(b, "/messages", CALL, { bytes: tinyMp3WithId3(), name: "" });
    expect(up.status).toBe(303);
    const [f] = await t.db.select().from(files);
    expect(f!.originalName).toBe("recording.mp3");
    const [m] = await t.db.select().from(messages);
    expect([m!.voiceFileId, m!.voiceAudioName]).toEqual([f!.id, "recording.mp3"]);
  });

  test("the limit and the kinds taken are shown before anything is uploaded", async () => {
    const { b } = await setup();
    const page = await b.get("/messages/new?mode=address");
    expect(page.text).toContain('accept=".mp3,.wav,audio/mpeg,audio/wav"');
    expect(pageText(page.text)).toContain("An MP3 or WAV file of at most 10 MB.");
  });

  test("a voice that cannot speak the chosen language is refused beside the language", async () => {
    const { t, b } = await setup();
    const res = await postMultipart(b, "/messages", { ...CALL, voice_name: "Polly.Vicki", voice_language: "fr-FR" });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain("Vicki speaks de-DE only");
    expect(res.text).toMatch(/<option value="fr-FR" selected="">/);
    const bad = await postMultipart(b, "/messages", { ...CALL, voice_name: "Polly.Nobody" });
    expect(bad.status).toBe(422);
    expect(pageText(bad.text)).toContain("must be one of Polly.Joanna");
    expect(await rows(t.db, messages)).toBe(0);
  });
});

describe("the dev outbox", () => {
  test("says which voice and language a call's script is read in", async () => {
    const { t, b } = await setup();
    const now = new Date("2026-09-01T10:00:00Z");
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, now);
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Call",
        channels: ["voice"],
        voiceScript: "Hallo!",
        voiceName: "Polly.Vicki",
        filters: {},
        status: "sending",
      })
      .returning();
    const c = await createCustomer(t.db, { first_name: "Ida", phone: "+13125550123" }, "test", now);
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: m!.id },
      [
        {
          key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: c.id }, "voice"),
          decision: { customerId: c.id, channel: "voice", to: "+13125550123", skip: null },
          dueAt: now,
        },
      ],
      now,
    );
    await t.deps.dispatcher.tick();
    const [entry] = await t.db.select().from(devOutbox);
    const page = pageText((await b.get(`/outbox/dev/${entry!.id}`)).text);
    expect(page).toContain("It says, read out by text-to-speech: Hallo!");
    expect(page).toContain("Voice: Vicki — German, female · in de-DE.");
  });
});
