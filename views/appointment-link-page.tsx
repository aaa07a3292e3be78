/** @jsxImportSource hono/jsx */
// The page an appointment link opens (SPEC A3, L4): the appointment, then one button for what
// the link asks. The button posts back to the same signed URL; opening the page changes nothing,
// so a link scanner or a preview cannot confirm or cancel anyone's appointment.
import { APPOINTMENT_MOVES, type AppointmentAction, type AppointmentPageState } from "../src/core/appointment-link.ts";
import { type Language, type MessageKey, t } from "../src/core/i18n/translate.ts";
import type { APPOINTMENT_STATUSES } from "../src/core/vocabulary.ts";
import { LinkPage } from "./link-pages.tsx";

export type AppointmentPageProps = {
  lang: Language;
  studio: string;
  /** The start as one phrase for sentences: "Tue, Sep 8, 10:00 AM". */
  when: string;
  /** The start's day and time, each in the customer's language and zone. */
  date: string;
  time: string;
  location: string;
  status: (typeof APPOINTMENT_STATUSES)[number];
  state: AppointmentPageState;
  /** The URL of this page asking for `action`. */
  actionUrl: (action: AppointmentAction) => string;
  phone: string;
  /** The studio's number as people read it (formatPhone); `phone` stays for the tel: link. */
  phoneShown?: string;
  email: string;
  /** A notice above the page, e.g. that the link asked for nothing known. */
  notice?: string;
};

const BUTTON_CLASS: Record<AppointmentAction, string | undefined> = {
  confirm: undefined,
  cancel: "contrast",
  reschedule: "secondary",
};

export function AppointmentLinkPage(p: AppointmentPageProps) {
  const { lang } = p;
  const vars = { studio: p.studio, when: p.when };
  const text = (key: MessageKey) => t(lang, key, vars);
  return (
    <LinkPage lang={lang} title={t(lang, "appointment.title")} studio={p.studio}>
      <article>
        {p.notice && (
          <p class="flash info" role="status">
            {p.notice}
          </p>
        )}
        <Heading {...p} text={text} />
        <dl class="appointment-facts">
          <dt>{t(lang, "appointment.when")}</dt>
          <dd>
            {p.date}, {p.time}
          </dd>
          {p.location.trim() && (
            <>
              <dt>{t(lang, "appointment.where")}</dt>
              <dd>{p.location}</dd>
            </>
          )}
          <dt>{t(lang, "appointment.with")}</dt>
          <dd>{p.studio}</dd>
          <dt>{t(lang, "appointment.status")}</dt>
          <dd>{t(lang, `appointment.status.${p.status}`)}</dd>
        </dl>
        <Actions {...p} />
        <Contact {...p} />
      </article>
    </LinkPage>
  );
}

function Heading(p: AppointmentPageProps & { text: (key: MessageKey) => string }) {
  const s = p.state;
  const [heading, sentence]: [MessageKey, MessageKey | null] =
    s.kind === "ask"
      ? [`appointment.ask.${s.action}`, `appointment.ask.${s.action}Text`]
      : s.kind === "done"
        ? [`appointment.done.${s.action}`, `appointment.done.${s.action}Text`]
        : s.kind === "already"
          ? [`appointment.already.${s.action}`, `appointment.already.${s.action}Text`]
          : s.kind === "cancelled"
            ? [
                "appointment.cancelled",
                s.action === "confirm" ? "appointment.cancelled.confirm" : "appointment.cancelled.reschedule",
              ]
            : s.kind === "past"
              ? ["appointment.past", "appointment.pastText"]
              : ["appointment.title", s.actions.length ? "appointment.choose" : "appointment.chooseNone"];
  return (
    <>
      <h1>{p.text(heading)}</h1>
      {sentence && <p>{p.text(sentence)}</p>}
    </>
  );
}

/** The one button the link asks for, or on a link that asks for nothing known, the choices. */
function Actions(p: AppointmentPageProps) {
  const s = p.state;
  const { lang } = p;
  if (s.kind === "ask")
    return (
      <>
        <form method="post" action={p.actionUrl(s.action)}>
          <button type="submit" class={BUTTON_CLASS[s.action]}>
            {t(lang, `appointment.button.${s.action}`)}
          </button>
        </form>
        {s.action === "cancel" && APPOINTMENT_MOVES.reschedule.from.includes(p.status) && (
          <p>
            {t(lang, "appointment.orReschedule")}{" "}
            <a href={p.actionUrl("reschedule")}>{t(lang, "appointment.button.reschedule")}</a>
          </p>
        )}
      </>
    );
  if (s.kind === "choose")
    return (
      <p class="appointment-choices">
        {s.actions.map((a) => (
          <a role="button" class={BUTTON_CLASS[a]} href={p.actionUrl(a)}>
            {t(lang, `appointment.button.${a}`)}
          </a>
        ))}
      </p>
    );
  return null;
}

/** How to reach the studio, where the customer has to: to book again, or with a question. */
function Contact(p: AppointmentPageProps) {
  const s = p.state;
  const cancelled = s.kind !== "ask" && p.status === "cancelled";
  if (!cancelled && s.kind !== "past") return null;
  const phone = p.phone.trim();
  const email = p.email.trim();
  if (!phone && !email) return cancelled ? <p>{t(p.lang, "appointment.bookAgainReply")}</p> : null;
  return (
    <p>
      {t(p.lang, cancelled ? "appointment.bookAgain" : "appointment.questions", { studio: p.studio })}{" "}
      {phone && <a href={`tel:${phone.replace(/[^+\d]/g, "")}`}>{p.phoneShown?.trim() || phone}</a>}
      {phone && email && ` ${t(p.lang, "link.or")} `}
      {email && <a href={`mailto:${email}`}>{email}</a>}
    </p>
  );
}
