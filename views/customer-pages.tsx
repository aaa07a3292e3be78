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

/**
 * `address` is masked. `note` says what the switch does not cover; `blocked` why it cannot be
 * turned on from here (a bounce, a complaint, a STOP), which the page says instead of a switch.
 */
export type PreferenceRow = { channel: "email" | "sms" | "voice"; label: string; address: string | null; on: boolean; note?: string; blocked?: string };

export function PreferencesPage(p: { studio: string; rows: PreferenceRow[]; action: string; saved: boolean; notes?: string[] }) {
  return (
    <CustomerPage title="Your preferences" studio={p.studio}>
      <article>
        <h1>How may we contact you?</h1>
        {p.saved && (
          <p class="flash ok" role="status">
            Saved. Thank you!
          </p>
        )}
        {(p.notes ?? []).map((n) => (
          <p class="flash info" role="status">
            {n}
          </p>
        ))}
        <form method="post" action={p.action}>
          {p.rows.map((r) => (
            <label>
              <input type="checkbox" role="switch" name={r.channel} checked={r.on} disabled={!r.address || (!!r.blocked && !r.on)} />
              {r.label} {r.address ? <span class="muted">({r.address})</span> : <span class="muted">(we have no address for this)</span>}
              {r.note || r.blocked ? (
                <>
                  <br />
                  <small class="muted">{r.blocked ?? r.note}</small>
                </>
              ) : null}
            </label>
          ))}
          <button type="submit">Save preferences</button>
        </form>
        <p class="muted">
          <small>Turning texts or calls on sends a text to your phone first: they start once you confirm with the link in it.</small>
        </p>
      </article>
    </CustomerPage>
  );
}

/** The page a confirmation text links to: a button, so that link previews confirm nothing. */
export function ConfirmChannelsPage(p: { studio: string; what: string; phone: string; action: string; done: boolean; notes?: string[] }) {
  return (
    <CustomerPage title="Confirm" studio={p.studio}>
      <article>
        {p.done ? (
          <>
            <h1>Confirmed</h1>
            <p>
              {p.studio} may now send you {p.what} at {p.phone}. You can change this with the preferences link in any of our messages.
            </p>
          </>
        ) : (
          <>
            <h1>Turn on {p.what}?</h1>
            <p>
              You asked {p.studio} to send you {p.what} at {p.phone}.
            </p>
            <form method="post" action={p.action}>
              <button type="submit">Yes, turn on {p.what}</button>
            </form>
          </>
        )}
        {(p.notes ?? []).map((n) => (
          <p class="flash info" role="status">
            {n}
          </p>
        ))}
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
