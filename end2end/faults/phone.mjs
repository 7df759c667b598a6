// A phone as the HTTP trials play it: a queue of entries, a clock that may be
// minutes off, and the app's one rule for the queue: an item leaves only when
// the server says "stored" or "already_stored"; a rejected item stays, marked
// with the reason, and is not sent again until someone deals with it; a
// "held" item (sent under another worker's sign-in) stays as it was, to be
// sent again under its author's.
import { uuidv7 } from "./random.mjs";

/** Observation categories as the wire spells them (EntryKind::Observation). */
export const CATEGORIES = [
  "arrival",
  "greeting",
  "play",
  "conversation",
  "care_task",
  "physical_contact",
  "ground_rules",
  "distress",
  "safeguarding_concern",
  "departure",
];
const ORDINARY = CATEGORIES.filter((c) => c !== "safeguarding_concern");

export class Phone {
  constructor({ name, skewMs, bookingId }) {
    this.name = name;
    this.skewMs = skewMs;
    this.bookingId = bookingId;
    this.queue = [];
  }

  /** The phone's clock: the real one plus its skew. */
  now() {
    return Date.now() + this.skewMs;
  }

  /** Queues one entry by `author`, made at `atMs` by the phone's clock. */
  make(author, kind, atMs, deviceMs) {
    const item = {
      id: uuidv7(deviceMs),
      device_ms: deviceMs,
      rejected: null,
      author,
      payload: { booking_id: this.bookingId, at_ms: atMs, kind },
    };
    this.queue.push(item);
    return item;
  }

  /** Queues an item the server cannot decode (a valid id, a broken payload). */
  makeUndecodable(author, variant, deviceMs) {
    const payloads = [
      { booking_id: this.bookingId, at_ms: deviceMs, kind: { type: "observation", category: "juggling", text: "no such category" } },
      { booking_id: this.bookingId, at_ms: deviceMs, kind: { type: "teleported" } },
      { booking_id: this.bookingId, at_ms: "soon", kind: { type: "started" } },
      { at_ms: deviceMs, kind: { type: "ended" } },
    ];
    const item = {
      id: uuidv7(deviceMs),
      device_ms: deviceMs,
      rejected: null,
      author,
      payload: payloads[variant % payloads.length],
    };
    this.queue.push(item);
    return item;
  }

  /** Items still to send, oldest first (device time, then id), as the app orders them. */
  pending() {
    return this.queue
      .filter((item) => item.rejected === null)
      .sort((a, b) => a.device_ms - b.device_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  rejected() {
    return this.queue.filter((item) => item.rejected !== null);
  }

  /** Applies a reply's outcomes; unknown ids (already gone) are ignored. */
  apply(outcomes) {
    const counts = { acknowledged: 0, rejected: 0, alreadyStored: 0, held: 0 };
    for (const outcome of outcomes) {
      const at = this.queue.findIndex((item) => item.id === outcome.id);
      if (at < 0) continue;
      if (outcome.outcome === "stored" || outcome.outcome === "already_stored") {
        this.queue.splice(at, 1);
        counts.acknowledged++;
        if (outcome.outcome === "already_stored") counts.alreadyStored++;
      } else if (outcome.outcome === "rejected") {
        this.queue[at].rejected = outcome.reason ?? "(no reason given)";
        counts.rejected++;
      } else if (outcome.outcome === "held") {
        counts.held++;
      }
    }
    return counts;
  }

  /** The worker deals with refused items: they may be sent again. */
  unreject(ids) {
    for (const item of this.queue) if (ids.includes(item.id)) item.rejected = null;
  }

  /** Takes items off the phone (used only for items built to be undecodable). */
  drop(ids) {
    this.queue = this.queue.filter((item) => !ids.includes(item.id));
  }
}

/** A random entry kind; observations carry `text`, about 1 in 6 is a concern. */
export function randomKind(rng, text, workerIds) {
  const roll = rng.float();
  if (roll < 0.55) return { type: "observation", category: rng.pick(ORDINARY), text };
  if (roll < 0.68) return { type: "observation", category: "safeguarding_concern", text };
  if (roll < 0.8) {
    return {
      type: "attendance",
      party: rng.pick(["visiting_parent", "child"]),
      movement: rng.pick(["arrived", "left"]),
    };
  }
  if (roll < 0.92) return { type: "sight_and_sound", holder: rng.pick(workerIds) };
  if (roll < 0.96) return { type: "started" };
  return { type: "ended" };
}
