// The JSON API v1 (SPEC I1, I3): bearer keys instead of sessions, JSON in and out, one
// sub-app per resource. Mounted at /api/v1 ahead of the staff UI.
import { Hono } from "hono";
import { messageApiRoutes } from "./messages.ts";
import { requireApiKey } from "../../http/api-auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { albumRoutes } from "./albums.ts";
import { appointmentRoutes } from "./appointments.ts";
import { customerRoutes } from "./customers.ts";
import { deliveryApiRoutes } from "./deliveries.ts";
import { eventRoutes } from "./events.ts";
import { inboxApiRoutes } from "./inbox.ts";
import { limitBody } from "./input.ts";
import { fileApiRoutes, limitFileBody } from "./files.ts";
import { jobRoutes } from "./jobs.ts";
import { orderRoutes } from "./orders.ts";
import { profileRoutes } from "./profiles.ts";
import { registrationRoutes } from "./registrations.ts";

export const apiRoutes = new Hono<AppEnv>();
apiRoutes.use(requireApiKey(), function limitApiBody(c, next) {
  // An upload is the one body larger than 1 MB.
  return (c.req.method === "POST" && c.req.path === "/api/v1/files" ? limitFileBody : limitBody)(c, next);
});
apiRoutes.route("/files", fileApiRoutes);
apiRoutes.route("/jobs", jobRoutes);
apiRoutes.route("/albums", albumRoutes);
apiRoutes.route("/customers", customerRoutes);
apiRoutes.route("/registrations", registrationRoutes);
apiRoutes.route("/orders", orderRoutes);
apiRoutes.route("/appointments", appointmentRoutes);
apiRoutes.route("/events", eventRoutes);
apiRoutes.route("/profiles", profileRoutes);
apiRoutes.route("/messages", messageApiRoutes);
apiRoutes.route("/deliveries", deliveryApiRoutes);
apiRoutes.route("/inbox", inboxApiRoutes);
// Without this an unknown API path would fall through to the staff UI's login redirect.
apiRoutes.all("*", () => {
  throw new ApiError(404, "No such endpoint.");
});
