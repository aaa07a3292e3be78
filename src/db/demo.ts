// "Load demo data" (SPEC U4): a believable studio to look around in, built through the same
// named queries the app uses, so the demo's events and rows look like real ones. Seeded
// randomness makes every demo install the same.
import { count } from "drizzle-orm";
import { JOB_TYPES } from "../core/vocabulary.ts";
import type { Db } from "./client.ts";
import { createAppointment, createCustomer, createOrder, upsertRegistration } from "./customers.ts";
import { recordAppointmentChange } from "./appointment-changes.ts";
import { createAlbum, createJob } from "./jobs.ts";
import { customers, jobs } from "./schema.ts";
import { getSettings, updateSettings } from "./settings.ts";

export type DemoResult = { loaded: true; counts: Record<string, number> } | { loaded: false; reason: string };

/** Mulberry32: small, seeded, good enough to make names look random. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "Emma",
  "Liam",
  "Olivia",
  "Noah",
  "Ava",
  "Elijah",
  "Sophia",
  "Lucas",
  "Mia",
  "Mason",
  "Isabella",
  "Ethan",
  "Amelia",
  "Logan",
  "Harper",
  "James",
  "Evelyn",
  "Aiden",
  "Abigail",
  "Jackson",
  "Emily",
  "Sebastian",
  "Ella",
  "Mateo",
  "Chloe",
  "Henry",
  "Zoe",
  "Leo",
  "Nora",
  "Owen",
  "Lily",
  "Daniel",
  "Hannah",
  "Samuel",
  "Layla",
  "David",
  "Aria",
  "Jamal",
  "Priya",
  "Yusuf",
  "Mei",
  "Sofía",
  "José",
  "Zoë",
  "Chiara",
  "Björn",
];
const LAST = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Thompson",
  "White",
  "Harris",
  "Clark",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Nguyen",
  "Patel",
  "Kim",
  "Okafor",
  "Müller",
  "O'Brien",
  "Schmidt",
  "Rossi",
];

const day = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

type DemoJob = {
  name: string;
  type: (typeof JOB_TYPES)[number];
  status: "planning" | "selling" | "archived";
  /** Picture day relative to now, in days. */
  shoot: number;
  albums: string[];
  customers: number;
  buyerShare: number;
};

const DEMO_JOBS: DemoJob[] = [
  {
    name: "Lincoln Elementary – Fall Portraits",
    type: "school",
    status: "selling",
    shoot: -12,
    albums: ["Class 1A", "Class 1B", "Class 2A", "Class 3C"],
    customers: 90,
    buyerShare: 0.35,
  },
  {
    name: "Hillcrest High – Senior Class",
    type: "school",
    status: "selling",
    shoot: -25,
    albums: ["Seniors A–L", "Seniors M–Z"],
    customers: 60,
    buyerShare: 0.55,
  },
  {
    name: "Little Acorns Kindergarten",
    type: "kindergarten",
    status: "planning",
    shoot: 18,
    albums: ["Bumblebees", "Ladybirds"],
    customers: 35,
    buyerShare: 0,
  },
  {
    name: "Riverside FC – Team Photos",
    type: "sports",
    status: "planning",
    shoot: 30,
    albums: ["U10", "U12", "U14"],
    customers: 30,
    buyerShare: 0,
  },
  {
    name: "Maple Kindergarten – Spring",
    type: "kindergarten",
    status: "archived",
    shoot: -210,
    albums: ["Sunflowers", "Daisies"],
    customers: 40,
    buyerShare: 0.6,
  },
  {
    name: "Westside Dance Recital",
    type: "event",
    status: "archived",
    shoot: -120,
    albums: ["Saturday show", "Sunday show"],
    customers: 25,
    buyerShare: 0.5,
  },
  {
    name: "Family Portrait Days",
    type: "portrait",
    status: "selling",
    shoot: -3,
    albums: [],
    customers: 20,
    buyerShare: 0.3,
  },
];

/** Loads the demo studio into an empty database; refuses when jobs or customers exist. */
export async function loadDemoData(db: Db, now: Date): Promise<DemoResult> {
  const [j] = await db.select({ n: count() }).from(jobs);
  const [c] = await db.select({ n: count() }).from(customers);
  if ((j?.n ?? 0) > 0 || (c?.n ?? 0) > 0) {
    return {
      loaded: false,
      reason: "Demo data can only be loaded into an empty studio: this one already has jobs or customers.",
    };
  }
  const rand = prng(20261122);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const counts = { jobs: 0, albums: 0, customers: 0, registrations: 0, orders: 0, appointments: 0 };
  const actor = {};

  await db.transaction(async (tx) => {
    const tdb: Db = tx;
    // The demo studio's details fill only what the studio has not set itself: an owner who named
    // the studio at setup keeps that name (and it signs the demo's messages).
    const own = await getSettings(tdb);
    const name = own.name !== "My Studio" ? own.name : "Brightside Photography";
    const demo = {
      name,
      postalAddress: "412 Orchard Lane, Springfield, IL 62704, USA",
      phone: "+12175550142",
      website: "https://brightside-photo.example",
      senderName: name,
      senderEmail: "hello@brightside-photo.example",
      replyTo: "studio@brightside-photo.example",
      timeZone: "America/Chicago",
      smsHelpReply: `${name}: questions? Call +1 217 555 0142. Reply STOP to opt out.`,
    };
    const unset = (key: keyof typeof demo) => own[key] === "" || (key === "timeZone" && own.timeZone === "UTC");
    await updateSettings(
      tdb,
      Object.fromEntries(Object.entries(demo).filter(([key]) => unset(key as keyof typeof demo) || key === "name")),
      now,
    );
    let serial = 0;
    for (const spec of DEMO_JOBS) {
      const shoot = new Date(now.getTime() + spec.shoot * day);
      const job = await createJob(
        tdb,
        {
          name: `${spec.name} ${shoot.getUTCFullYear()}`,
          type: spec.type,
          year: shoot.getUTCFullYear(),
          status: spec.status,
          shoot_date: isoDay(shoot),
          selling_start: isoDay(new Date(shoot.getTime() + 7 * day)),
          coupon_deadline: isoDay(new Date(shoot.getTime() + 21 * day)),
          shipping_deadline: isoDay(new Date(shoot.getTime() + 35 * day)),
          archive_date: isoDay(new Date(shoot.getTime() + 90 * day)),
          custom_text: "Use code EARLYBIRD for 15% off until the coupon deadline.",
          gallery_url: `https://shop.brightside-photo.example/${spec.name
            .toLowerCase()
            .replace(/[^a-z]+/g, "-")
            .replace(/-$/, "")}`,
        },
        actor,
        "demo",
        now,
      );
      counts.jobs++;
      const albums = [];
      for (const name of spec.albums) {
        albums.push(await createAlbum(tdb, job.id, name));
        counts.albums++;
      }
      const photosReady = spec.status !== "planning";
      for (let i = 0; i < spec.customers; i++) {
        serial++;
        const first = pick(FIRST);
        const last = pick(LAST);
        const local = `${first}.${last}`
          .toLowerCase()
          .normalize("NFD")
          .replace(/[^a-z.]/g, "");
        const hasPhone = rand() < 0.7;
        const customer = await createCustomer(
          tdb,
          {
            first_name: first,
            last_name: last,
            email: rand() < 0.95 ? `${local}${serial}@example.com` : null,
            phone: hasPhone ? `+1217555${String(1000 + serial).slice(-4)}` : undefined,
            locale: "en",
            consent: { email: rand() < 0.9, sms: hasPhone && rand() < 0.6, voice: hasPhone && rand() < 0.2 },
          },
          "demo: registration form",
          now,
        );
        counts.customers++;
        const registeredAt = new Date(shoot.getTime() + (photosReady ? 1 + rand() * 10 : -rand() * 10) * day);
        await upsertRegistration(
          tdb,
          {
            jobId: job.id,
            customerId: customer.id,
            albumId: albums.length ? pick(albums).id : null,
            accessCode: `${spec.type.slice(0, 2).toUpperCase()}-${(serial * 7919).toString(36).toUpperCase().padStart(6, "0")}`,
            registeredAt: registeredAt < now ? registeredAt : now,
            photosAvailableAt: photosReady ? new Date(shoot.getTime() + 5 * day) : null,
            photosCount: photosReady ? 4 + Math.floor(rand() * 20) : 0,
          },
          "demo",
          now,
        );
        counts.registrations++;
        if (rand() < spec.buyerShare) {
          const orderedAt = new Date(Math.min(now.getTime() - 3600_000, shoot.getTime() + (8 + rand() * 30) * day));
          // The demo's price list is in dollars, whatever currency the studio sells in.
          await createOrder(
            tdb,
            {
              jobId: job.id,
              customerId: customer.id,
              amountMinor: 1990 + Math.floor(rand() * 12) * 500,
              currency: "USD",
              orderedAt,
            },
            "demo",
            now,
          );
          counts.orders++;
        }
        if (spec.type === "portrait" || (spec.status === "planning" && i % 5 === 0)) {
          const daysAhead = spec.type === "portrait" ? -2 + (i % 10) : spec.shoot;
          const startsAt = new Date(now.getTime() + daysAhead * day);
          startsAt.setUTCHours(14 + (i % 6), (i % 2) * 30, 0, 0);
          const booked = await createAppointment(
            tdb,
            {
              customerId: customer.id,
              jobId: job.id,
              startsAt,
              durationMinutes: spec.type === "portrait" ? 45 : 15,
              location: spec.type === "portrait" ? "Brightside studio, 412 Orchard Lane" : `${spec.name} – gym`,
              status: startsAt < now ? "confirmed" : i % 4 === 0 ? "confirmed" : "scheduled",
            },
            "demo",
            now,
          );
          // The booking opens its history, as the booking tool's would.
          await recordAppointmentChange(
            tdb,
            { appointmentId: booked.id, fromStatus: null, toStatus: booked.status, toStartsAt: booked.startsAt },
            now,
            { source: "demo" },
          );
          counts.appointments++;
        }
      }
    }
  });
  return { loaded: true, counts };
}
