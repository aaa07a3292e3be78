// Outside review of issue 12's file manager and images (i12-eyes-files). Each test shows one
// problem found by trying to break uploads, /media serving, where-used and images in e-mail
// bodies; each fails until the problem is fixed.
import { describe, expect, test } from "bun:test";
import { imageAltProblem } from "../src/core/email-images.ts";
import { sniffUpload, IMAGE_KINDS, MAX_FILE_BYTES } from "../src/core/file-types.ts";
import { messageInput } from "../src/core/message-input.ts";
import { fieldErrors } from "../src/core/validation.ts";
import { getSettings } from "../src/db/settings.ts";
import { emailLook } from "../src/dispatch/content.ts";
import { renderEmailVariant } from "../src/email/render.ts";
import { type ApiApp, makeApiApp } from "./api/support.ts";
import { pngOf } from "./support/sample-files.ts";

async function upload(t: ApiApp, bytes: Uint8Array, name: string, type = "image/png") {
  const form = new FormData();
  form.append("file", new File([Buffer.from(bytes)], name, { type }));
  const res = await t.app.request("http://localhost/api/v1/files", {
    method: "POST",
    headers: { Authorization: `Bearer ${t.key}` },
    body: form,
  });
  // oxlint-disable-next-line typescript/no-explicit-any
  return (await res.json()) as any;
}
const path = (url: string) => new URL(url).pathname;

async function draft(t: ApiApp, body: string) {
  return t.post("/messages", {
    name: "Open day",
    channels: ["email"],
    to_address: "ann@example.com",
    subject: "Open day",
    body,
  });
}

