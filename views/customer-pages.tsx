/** @jsxImportSource hono/jsx */
// Pages customers reach from links in messages (SPEC §9): no login, no JavaScript needed,
// readable on a phone. Forms post back to the same signed URL.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { STATIC_VERSION } from "../src/routes/static.ts";

function CustomerPage(p: { title: string; studio: string; children?: Child }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>
            {p.title} · {p.studio}
          </title>
          <link rel="stylesheet" href={`/static/pico.min.css?v=${STATIC_VERSION}`} />
          <link rel="stylesheet" href={`/static/app.css?v=${STATIC_VERSION}`} />
        </head>
        <body>
          <main class="container auth-card">
            <p class="muted">{p.studio}</p>
            {p.children}
          </main>
        </body>
      </html>
    </>
  );
}

export function UnsubscribePage(p: { studio: string; address: string; done: boolean; action: string; preferences: string }) {
  return (
    <CustomerPage title="Unsubscribe" studio={p.studio}>
      {p.done ? (
        <article>
          <h1>You are unsubscribed</h1>
          <p>
            {p.address} will get no more marketing e-mails (news, offers, photo reminders) from {p.studio}.
          </p>
          <p>{SERVICE_EMAIL_NOTE}</p>
          <p>
            <a href={p.preferences}>Change your preferences</a> if that was a mistake.
          </p>
        </article>
      ) : (
        <article>
          <h1>Unsubscribe?</h1>
          <p>
            Stop marketing e-mails (news, offers, photo reminders) from {p.studio} to {p.address}.
          </p>
          <p class="muted">{SERVICE_EMAIL_NOTE}</p>
          <form method="post" action={p.action}>
            <button type="submit">Unsubscribe</button>
          </form>
          <p>
            <a href={p.preferences}>Choose which messages you get instead</a>
          </p>
        </article>
      )}
    </CustomerPage>
  );
}

/** Service messages go on after a marketing unsubscribe; customers are told so where they decide. */
export const SERVICE_EMAIL_NOTE = "Automatic reminders and confirmations of appointments you book with us still come.";

/** `note` says what the switch does not cover. */
export type PreferenceRow = { channel: "email" | "sms" | "voice"; label: string; address: string | null; on: boolean; note?: string };

export function PreferencesPage(p: { studio: string; rows: PreferenceRow[]; action: string; saved: boolean }) {
  return (
    <CustomerPage title="Your preferences" studio={p.studio}>
      <article>
        <h1>How may we contact you?</h1>
        {p.saved && (
          <p class="flash ok" role="status">
            Saved. Thank you!
          </p>
        )}
        <form method="post" action={p.action}>
          {p.rows.map((r) => (
            <label>
              <input type="checkbox" role="switch" name={r.channel} checked={r.on} disabled={!r.address} />
              {r.label} {r.address ? <span class="muted">({r.address})</span> : <span class="muted">(we have no address for this)</span>}
              {r.note ? (
                <>
                  <br />
                  <small class="muted">{r.note}</small>
                </>
              ) : null}
            </label>
          ))}
          <button type="submit">Save preferences</button>
        </form>
      </article>
    </CustomerPage>
  );
}

export function LinkProblemPage(p: { studio: string; status: number; message: string }) {
  return (
    <CustomerPage title="Link not valid" studio={p.studio}>
      <article>
        <h1>This link does not work</h1>
        <p>{p.message}</p>
      </article>
    </CustomerPage>
  );
}
