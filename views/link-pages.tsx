/** @jsxImportSource hono/jsx */
// Pages customers reach from links in messages (SPEC §9): no login, no JavaScript needed,
// readable on a phone, in the customer's language. Forms post back to the same signed URL.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { type Language, t } from "../src/core/i18n/translate.ts";
import type { PreferenceRow } from "../src/core/preferences.ts";
import { STATIC_VERSION } from "../src/static-assets.ts";

/** The frame of every customer page: the studio's name over one card; no script. */
export function LinkPage(p: { lang: Language; title: string; studio: string; children?: Child }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={p.lang}>
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

export function UnsubscribePage(p: {
  lang: Language;
  studio: string;
  address: string;
  done: boolean;
  action: string;
  preferences: string;
}) {
  const { lang } = p;
  return (
    <LinkPage lang={lang} title={t(lang, "unsubscribe.title")} studio={p.studio}>
      {p.done ? (
        <article>
          <h1>{t(lang, "unsubscribe.doneHeading")}</h1>
          <p>{t(lang, "unsubscribe.doneText", { address: p.address, studio: p.studio })}</p>
          <p>{t(lang, "service.note")}</p>
          <p>
            {t(lang, "unsubscribe.mistake")} <a href={p.preferences}>{t(lang, "unsubscribe.changePreferences")}</a>
          </p>
        </article>
      ) : (
        <article>
          <h1>{t(lang, "unsubscribe.askHeading")}</h1>
          <p>{t(lang, "unsubscribe.askText", { address: p.address, studio: p.studio })}</p>
          <p class="muted">{t(lang, "service.note")}</p>
          <form method="post" action={p.action}>
            <button type="submit">{t(lang, "unsubscribe.button")}</button>
          </form>
          <p>
            <a href={p.preferences}>{t(lang, "unsubscribe.instead")}</a>
          </p>
        </article>
      )}
    </LinkPage>
  );
}

export function PreferencesPage(p: {
  lang: Language;
  studio: string;
  rows: PreferenceRow[];
  action: string;
  saved: boolean;
  notes?: string[];
}) {
  const { lang } = p;
  return (
    <LinkPage lang={lang} title={t(lang, "preferences.title")} studio={p.studio}>
      <article>
        <h1>{t(lang, "preferences.heading")}</h1>
        {p.saved && (
          <p class="flash ok" role="status">
            {t(lang, "preferences.saved")}
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
              <input
                type="checkbox"
                role="switch"
                name={r.channel}
                checked={r.on}
                disabled={!r.address || (!!r.blocked && !r.on)}
              />
              {r.label}{" "}
              {r.address ? (
                <span class="muted">({r.address})</span>
              ) : (
                <span class="muted">{t(lang, "preferences.noAddress")}</span>
              )}
              {r.note || r.blocked ? (
                <>
                  <br />
                  <small class="muted">{r.blocked ?? r.note}</small>
                </>
              ) : null}
            </label>
          ))}
          <button type="submit">{t(lang, "preferences.save")}</button>
        </form>
        <p class="muted">
          <small>{t(lang, "preferences.phoneNote")}</small>
        </p>
      </article>
    </LinkPage>
  );
}

/** The page a confirmation text links to: a button, so that link previews confirm nothing. */
export function ConfirmChannelsPage(p: {
  lang: Language;
  studio: string;
  what: string;
  phone: string;
  action: string;
  done: boolean;
  notes?: string[];
}) {
  const { lang } = p;
  const vars = { studio: p.studio, what: p.what, phone: p.phone };
  return (
    <LinkPage lang={lang} title={t(lang, "confirm.title")} studio={p.studio}>
      <article>
        {p.done ? (
          <>
            <h1>{t(lang, "confirm.doneHeading")}</h1>
            <p>{t(lang, "confirm.doneText", vars)}</p>
          </>
        ) : (
          <>
            <h1>{t(lang, "confirm.askHeading", vars)}</h1>
            <p>{t(lang, "confirm.askText", vars)}</p>
            <form method="post" action={p.action}>
              <button type="submit">{t(lang, "confirm.button", vars)}</button>
            </form>
          </>
        )}
        {(p.notes ?? []).map((n) => (
          <p class="flash info" role="status">
            {n}
          </p>
        ))}
      </article>
    </LinkPage>
  );
}

export function LinkProblemPage(p: { lang: Language; studio: string; status: number; message: string }) {
  return (
    <LinkPage lang={p.lang} title={t(p.lang, "page.linkProblem.title")} studio={p.studio}>
      <article>
        <h1>{t(p.lang, "page.linkProblem.heading")}</h1>
        <p>{p.message}</p>
      </article>
    </LinkPage>
  );
}
