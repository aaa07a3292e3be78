/** @jsxImportSource hono/jsx */
// Settings → Messaging (SPEC D1, U1): which provider each channel uses, the configuration that
// switches it (names only, never values), and a "send a test" form per channel.
import { SkipReasonWhy } from "./skip-reason.tsx";
import type { FC } from "hono/jsx";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { ChannelProvider, ConfigVar } from "../src/core/channel-providers.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { OutboxRow } from "../src/db/outbox-list.ts";
import type { User } from "../src/db/schema.ts";
import { Csrf, Field, type Values } from "./form.tsx";
import { DeliveryStatusBadge, deliveryReason } from "./delivery-parts.tsx";
import { staffTime } from "../src/core/date-format.ts";
import { SettingsShell } from "./settings.tsx";

export type MessagingPageProps = {
  user: User;
  csrf: string;
  flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
  channels: ChannelProvider[];
  values: Values;
  errors: FieldErrors;
  recentTests: OutboxRow[];
  smsWindow: string;
  /** The studio's: the recent tests' times are shown in it. */
  timeZone: string;
};

const VarList: FC<{ vars: ConfigVar[] }> = ({ vars }) => (
  <ul class="config-vars">
    {vars.map((v) => (
      <li>
        <code>{v.name}</code>{" "}
        {v.set === null ? null : v.set ? (
          <span class="badge yes">set</span>
        ) : (
          <span class="badge consent-no">not set</span>
        )}{" "}
        <span class="muted">{v.role}</span>
      </li>
    ))}
  </ul>
);

export function MessagingSettingsPage(p: MessagingPageProps) {
  return (
    <SettingsShell user={p.user} csrf={p.csrf} flash={p.flash} tab="messaging" title="Messaging settings">
      <section id="providers">
        <h2>Providers</h2>
        <p class="muted">
          Providers are chosen by environment variables when Pigeon starts. Without keys a channel uses the built-in{" "}
          <a href="/outbox/dev">dev outbox</a>, which keeps every message exactly as it would have been sent. Change the
          variables and restart Pigeon to switch.
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Channel</th>
                <th>Provider</th>
                <th>Configuration</th>
              </tr>
            </thead>
            <tbody>
              {p.channels.map((ch) => (
                <tr id={`provider-${ch.channel.toLowerCase().replace(/\W+/g, "-")}`}>
                  <td>
                    <strong>{ch.channel}</strong>
                  </td>
                  <td>
                    <span class={ch.dev ? "badge planning" : "badge yes"}>{ch.provider}</span>
                    <br />
                    <small class="muted">{ch.note}</small>
                    {ch.from && (
                      <>
                        <br />
                        <small>
                          From <code>{ch.from}</code>
                        </small>
                      </>
                    )}
                  </td>
                  <td>
                    {ch.vars.length > 0 && <VarList vars={ch.vars} />}
                    <small class="muted">{ch.howToSwitch}</small>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section id="send-test">
        <h2>Send a test</h2>
        <p class="muted">
          The test goes out at once through the provider above; you then see whether it was sent and, if not, what the
          provider said.
        </p>
        <div class="grid-2">
          <form method="post" action="/settings/messaging/test" class="subform" id="test-email" novalidate>
            <Csrf token={p.csrf} />
            <input type="hidden" name="channel" value="email" />
            <h3>Test e-mail</h3>
            <Field
              name="email_to"
              label="E-mail address"
              type="email"
              values={p.values}
              errors={p.errors}
              placeholder="you@studio.example"
              autocomplete="email"
            />
            <button type="submit">Send a test e-mail</button>
          </form>
          <form method="post" action="/settings/messaging/test" class="subform" id="test-sms" novalidate>
            <Csrf token={p.csrf} />
            <input type="hidden" name="channel" value="sms" />
            <h3>Test text message</h3>
            <Field
              name="sms_to"
              label="Mobile number"
              type="tel"
              values={p.values}
              errors={p.errors}
              placeholder="+1 555 123 4567"
              autocomplete="tel"
              hint={`A test goes at once. Other texts and calls, and automated e-mails, wait for the sending window (${p.smsWindow}); one-time e-mails go when sent.`}
            />
            <button type="submit">Send a test SMS</button>
          </form>
        </div>
      </section>

      <section id="recent-tests">
        <h2>Recent tests</h2>
        {p.recentTests.length === 0 ? (
          <p class="muted">No tests sent yet.</p>
        ) : (
          <ul>
            {p.recentTests.map(({ delivery: d }) => {
              const reason = deliveryReason(d, p.timeZone);
              return (
                <li>
                  <a href={`/outbox/${d.id}`}>{staffTime(d.createdAt, p.timeZone)}</a> · {CHANNEL_LABELS[d.channel]} to{" "}
                  {d.toAddress} <DeliveryStatusBadge status={d.status} />
                  {reason && <span class="muted"> {reason.text}</span>}
                  {d.status === "skipped" && d.skipReason && (
                    <>
                      {" "}
                      <SkipReasonWhy reason={d.skipReason} />
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </SettingsShell>
  );
}
