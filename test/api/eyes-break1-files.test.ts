// Outside review of issue 13 (eyes-break1): an upload whose multipart part has an empty filename.
import { expect, test } from "bun:test";
import { tinyMp3WithId3 } from "../support/sample-files.ts";
import { makeApiApp } from "./support.ts";

test('a file part with filename="" (curl -F "file=@x;filename=") is stored or refused, never a 500', async () => {
  const t = await makeApiApp();
  const boundary = "----eyesbreak1";
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: audio/mpeg\r\n\r\n`,
    ),
    Buffer.from(tinyMp3WithId3()),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.request("http://localhost/api/v1/files", {
    method: "POST",
    headers: { Authorization: `Bearer ${t.key}`, "Content-Type": `multipart/form-data; boundary=${boundary}` },
    body,
  });
  expect(res.status).not.toBe(500);
  expect([201, 422]).toContain(res.status);
});
