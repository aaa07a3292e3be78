/** @jsxImportSource hono/jsx */
// The page shell every staff page shares: Pico CSS, our stylesheet, htmx from our own
// server, the navigation, and the CSRF header htmx sends with every request.
import { raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import type { User } from "../src/db/schema.ts";
import { STATIC_VERSION } from "../src/static-assets.ts";
import { type CommunicationPage, CommunicationNav } from "./communication-nav.tsx";

/** What every staff page is rendered with: who is signed in, and the CSRF token its forms echo. */
export type Common = { user: User; csrf: string };

export type PageProps = {
  title: string;
  user: User | null;
  csrf: string;
  /** Which top-level section is open, for the navigation. */
  section?:
    | "dashboard"
    | "jobs"
    | "customers"
    | "appointments"
    | "communication"
    | "messages"
    | "files"
    | "templates"
    | "inbox"
    | "outbox"
    | "settings";
  flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
  /** A page family's own stylesheets in static/, loaded after app.css. */
  stylesheets?: string[];
  children?: Child;
};

const nav: { section: NonNullable<PageProps["section"]>; href: string; label: string }[] = [
  { section: "dashboard", href: "/", label: "Dashboard" },
  { section: "jobs", href: "/jobs", label: "Jobs" },
  { section: "customers", href: "/customers", label: "Customers" },
  { section: "appointments", href: "/appointments", label: "Appointments" },
  { section: "communication", href: "/profiles", label: "Profiles" },
  { section: "messages", href: "/messages", label: "Messages" },
  { section: "inbox", href: "/inbox", label: "Inbox" },
  { section: "outbox", href: "/outbox", label: "Outbox" },
  { section: "settings", href: "/settings", label: "Settings" },
];

/** The sections whose pages share the Communication sub-navigation, and which of its links each is. */
const COMMUNICATION: Partial<Record<NonNullable<PageProps["section"]>, CommunicationPage>> = {
  communication: "profiles",
  messages: "messages",
  templates: "templates",
  files: "files",
};

const asset = (name: string) => `/static/${name}?v=${STATIC_VERSION}`;

export const Page: FC<PageProps> = ({ title, user, csrf, section, flash, stylesheets, children }) => (
  <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{title} · Pigeon</title>
        <link rel="icon" href={asset("pigeon.svg")} />
        <link rel="stylesheet" href={asset("pico.min.css")} />
        <link rel="stylesheet" href={asset("app.css")} />
        {stylesheets?.map((name) => (
          <link rel="stylesheet" href={asset(name)} />
        ))}
        <script src={asset("htmx.min.js")} defer></script>
        <script src={asset("app.js")} defer></script>
        <script src={asset("editor.js")} defer></script>
      </head>
      <body hx-headers:inherited={JSON.stringify({ "X-CSRF-Token": csrf })}>
        <header class="app">
          <nav class="container">
            <ul>
              <li>
                <a class="brand" href={user ? "/" : "/login"}>
                  <img src={asset("pigeon.svg")} alt="" /> Pigeon
                </a>
              </li>
            </ul>
            {user && (
              <ul>
                {nav.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.section === section ? "page" : undefined}>
                      {item.label}
                      {/* The unread count, fetched after the page (and every minute), so no page has to load it. */}
                      {item.section === "inbox" && (
                        <span
                          id="inbox-unread"
                          hx-get="/inbox/unread"
                          hx-trigger="load, every 60s"
                          hx-swap="innerHTML"
                        ></span>
                      )}
                    </a>
                  </li>
                ))}
                <li>
                  <form method="post" action="/logout" class="inline-form">
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class="secondary outline" title={`Signed in as ${user.email}`}>
                      Log out
                    </button>
                  </form>
                </li>
              </ul>
            )}
          </nav>
        </header>
        <main class="container">
          {/* Says when nothing is being sent (no worker, a stuck scheduler); empty otherwise. */}
          {user && <div hx-get="/sending-status" hx-trigger="load" hx-swap="outerHTML"></div>}
          {user && section && COMMUNICATION[section] && <CommunicationNav current={COMMUNICATION[section]} />}
          {flash && (
            <div class={`flash ${flash.kind}`} role={flash.kind === "bad" ? "alert" : "status"}>
              {flash.text}
            </div>
          )}
          {children}
        </main>
      </body>
    </html>
  </>
);

/** The heading row of a page, with its action buttons on the right. */
export const PageHead: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="page-head">
    <h1>{title}</h1>
    {children && <div class="actions">{children}</div>}
  </div>
);
