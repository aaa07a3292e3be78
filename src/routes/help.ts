// Help pages for staff (issue 14): "Why doesn't everyone get my message?", linked from every
// skip reason Pigeon shows.
import { Hono } from "hono";
import { NotReachedHelpPage } from "../../views/help-not-reached.tsx";
import type { AppEnv } from "../http/env.ts";

export const helpRoutes = new Hono<AppEnv>().get("/not-reached", (c) =>
  c.html(NotReachedHelpPage({ user: c.get("user")!, csrf: c.get("csrfToken") })),
);
