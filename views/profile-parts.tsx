/** @jsxImportSource hono/jsx */
// What the profile list and a profile's page share: the notice after an action, the badges, and
// the duplicate/default/delete buttons. Styles: static/profiles.css.
import type { Profile } from "../src/db/profiles.ts";
import { ConfirmedPost, Csrf } from "./form.tsx";

export type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;

const DONE: Record<string, string> = {
  created: "Profile created. Add its first notification.",
  renamed: "Profile renamed.",
  duplicated: "Copied with all its notifications. This copy is yours to change.",
  default: "New jobs now get this profile.",
  undefault: "New jobs no longer get a profile unless one is chosen.",
  deleted: "Profile deleted.",
  saved: "Notification saved.",
  removed: "Notification deleted.",
};

/** The confirmation text a query `?done=` stands for, after a redirect. */
export function doneFlash(done: string | undefined): Flash {
  return done && DONE[done] ? { kind: "ok", text: DONE[done]! } : null;
}

export const ProfileBadges = ({ profile, isDefault }: { profile: Profile; isDefault: boolean }) => (
  <span class="name-badges">
    {isDefault && <span class="badge default">Default for new jobs</span>}
    {profile.builtIn && <span class="badge builtin">Built-in</span>}
  </span>
);

export const DuplicateButton = ({ profile, csrf, primary }: { profile: Profile; csrf: string; primary?: boolean }) => (
  <form method="post" action={`/profiles/${profile.id}/duplicate`} class="inline-form">
    <Csrf token={csrf} />
    <button type="submit" class={primary ? "" : "secondary outline"}>
      Duplicate
    </button>
  </form>
);

export const DefaultButton = ({ profile, csrf, isDefault }: { profile: Profile; csrf: string; isDefault: boolean }) => (
  <form method="post" action={`/profiles/${profile.id}/default`} class="inline-form">
    <Csrf token={csrf} />
    <input type="hidden" name="default" value={isDefault ? "off" : "on"} />
    <button type="submit" class="secondary outline">
      {isDefault ? "Stop using as default" : "Make default for new jobs"}
    </button>
  </form>
);

export const DeleteButton = ({ profile, csrf, jobs }: { profile: Profile; csrf: string; jobs: number }) => (
  <ConfirmedPost
    action={`/profiles/${profile.id}/delete`}
    csrf={csrf}
    // With jobs assigned the server asks on its own page; this only guards the simple case.
    confirm={jobs === 0 ? `Delete the profile “${profile.name}” and its notifications?` : undefined}
    label="Delete"
  />
);
