// HTTP trials: one or two phones played through the API, each trial with one
// or more faults drawn from HTTP_FAULTS. Every phone has its clock off by up
// to ten minutes either way, applied to at_ms, device_ms and sent_ms alike.
import { Phone, randomKind } from "./phone.mjs";
import { sleep } from "./random.mjs";

export const HTTP_FAULTS = [
  "duplicate", // a batch delivered twice
  "overlap", // each batch repeats the tail of the one before
  "reorder", // items shuffled within batches, batches sent out of order
  "reply_lost", // sent, reply ignored, sent again
  "crash_before_commit", // the server aborts just before the batch commits
  "crash_after_commit", // ... just after it commits, before replying
  "second_phone", // worker2 syncs its own entries at the same time
  "shared_phone", // one queue with both workers' items; a wrong-author probe
  "undecodable_item", // an item the server cannot decode rides in a batch
];

const SKEW_MS = 10 * 60_000;

/** One to three distinct faults, at most one crash point. */
function drawFaults(rng) {
  const howMany = rng.pick([1, 1, 1, 2, 2, 3]);
  const faults = [];
  while (faults.length < howMany) {
    const fault = rng.pick(HTTP_FAULTS);
    const crash = fault.startsWith("crash_");
    if (faults.includes(fault) || (crash && faults.some((f) => f.startsWith("crash_")))) continue;
    faults.push(fault);
  }
  return faults;
}

/** Cuts a list into batches of at most `size`. */
function chunks(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Consecutive runs of items by the same author: each run goes under its author's cookie. */
function runsByAuthor(items) {
  const runs = [];
  for (const item of items) {
    const last = runs[runs.length - 1];
    if (last && last.author === item.author) last.items.push(item);
    else runs.push({ author: item.author, items: [item] });
  }
  return runs;
}

/**
 * Runs one HTTP trial. `ctx` holds rng, api, server, ledger, accounts
 * ({ worker1, worker2 } with id and cookie), bookingId, runTag, stats and
 * fail(message).
 */
export async function httpTrial(ctx, trial) {
  const { rng, ledger, accounts } = ctx;
  const faults = drawFaults(rng);
  ledger.beginTrial(trial, "http", faults);
  const has = (fault) => faults.includes(fault);
  const workerIds = [accounts.worker1.id, accounts.worker2.id];
  const plan = {
    trial,
    batchSize: rng.int(1, 12),
    duplicate: has("duplicate"),
    overlap: has("overlap"),
    reorder: has("reorder"),
    replyLost: has("reply_lost"),
  };

  // The phones and their entries.
  const first = newPhone(ctx, trial, "A", has("shared_phone") ? workerIds : [accounts.worker1.id]);
  const phones = [first];
  if (has("second_phone")) phones.push(newPhone(ctx, trial, "B", [accounts.worker2.id]));
  const undecodable = [];
  if (has("undecodable_item")) {
    for (let i = rng.int(1, 2); i > 0; i--) {
      const item = first.makeUndecodable(rng.pick(first.authors), rng.int(0, 3), first.now() - rng.int(0, 20_000));
      ledger.madeUndecodable(trial, item.id);
      undecodable.push(item.id);
    }
  }

  // A crash: before the k-th sync request of the trial, the server is
  // restarted with CCC_FAULTS=<point>=1, so that request kills it.
  const point = has("crash_before_commit") ? "before_commit" : has("crash_after_commit") ? "after_commit" : null;
  const crash = {
    point,
    atRequest: point ? rng.int(0, Math.max(0, Math.ceil(first.queue.length / plan.batchSize) - 1)) : -1,
    requests: 0,
    armed: false,
    deathsBefore: ctx.server.deaths,
  };
  plan.crash = crash;

  // A shared phone: some of worker1's items sent under worker2's session
  // first, on purpose. Each must come back rejected, stay on the phone as
  // refused, and then be sent again properly (worker1's cookie) below.
  if (has("shared_phone")) await wrongAuthorProbe(ctx, first, plan);

  await Promise.all(phones.map((phone) => syncPhone(ctx, phone, plan)));

  if (point) {
    if (!crash.armed) {
      ctx.fail(`trial ${trial}: the crash at ${point} was planned but never armed`);
    } else if (ctx.server.deaths === crash.deathsBefore) {
      ctx.fail(`trial ${trial}: CCC_FAULTS=${point}=1 was set but the server did not die during the trial`);
    }
    ctx.stats.crashTrials[point]++;
    crashEvidence(ctx, crash);
    await ctx.server.disarm();
  }

  // Whatever is left on a phone was refused; say why. Undecodable items
  // must be refused (alone); any other refusal loses an honest entry.
  for (const phone of phones) {
    for (const item of phone.rejected()) {
      if (undecodable.includes(item.id)) {
        ctx.stats.undecodableRejected++;
        continue;
      }
      // Counted as lost by the check; the reason is reported.
      ctx.refused(trial, item);
    }
    for (const item of phone.pending()) {
      ctx.fail(`trial ${trial}: entry ${item.id} was still unsynced at the end of the trial`);
    }
  }
  ctx.stats.undecodableMade += undecodable.length;
  return faults;
}

/**
 * What the retry of the batch the server died on said: before the commit,
 * its new items are "stored" on retry; after the commit, "already_stored".
 * Counted for the report only (a batch that held only items stored earlier,
 * or only refused ones, says nothing either way).
 */
function crashEvidence(ctx, crash) {
  if (!crash.victims) return;
  const said = [...crash.victims.values()].filter((outcome) => outcome === "stored" || outcome === "already_stored");
  if (said.length === 0) return;
  const evidence = ctx.stats.crashEvidence[crash.point];
  evidence.batches++;
  if (crash.point === "before_commit" && said.includes("stored")) evidence.asExpected++;
  if (crash.point === "after_commit" && said.every((outcome) => outcome === "already_stored")) evidence.asExpected++;
}

/** A phone with a random skew and 1 to 30 entries by `authors` (chosen per entry). */
function newPhone(ctx, trial, name, authors) {
  const { rng, ledger, accounts } = ctx;
  const phone = new Phone({ name, skewMs: rng.int(-SKEW_MS, SKEW_MS), bookingId: ctx.bookingId });
  phone.authors = authors;
  const count = rng.int(1, 30);
  const start = phone.now() - count * 6_000 - rng.int(0, 60_000);
  for (let i = 0; i < count; i++) {
    const atMs = start + i * 6_000 + rng.int(0, 3_000);
    const deviceMs = atMs + rng.int(0, 2_000);
    const text = `${ctx.runTag} trial ${trial} phone ${name} entry ${i + 1}: ${rng.pick(PHRASES)}`;
    const item = phone.make(rng.pick(authors), randomKind(rng, text, [accounts.worker1.id, accounts.worker2.id]), atMs, deviceMs);
    ledger.madeItem(trial, item);
  }
  return phone;
}

const PHRASES = [
  "played with the blocks together",
  "talked about school",
  "shared a snack",
  "read a story",
  "child asked about the weekend",
  "parent raised their voice",
  "child went quiet",
  "hug at the door",
];

/**
 * Sends worker1's items under worker2's cookie; none may be stored: each
 * must come back "rejected" or "held" (the server's word for "not yours,
 * kept on the phone for its author").
 */
async function wrongAuthorProbe(ctx, phone, plan) {
  const { rng, accounts } = ctx;
  const mine = phone.pending().filter((item) => item.author === accounts.worker1.id);
  if (mine.length === 0) return;
  const probe = rng.shuffle(mine).slice(0, rng.int(1, Math.min(3, mine.length)));
  let reply = null;
  for (let attempt = 0; attempt < 10 && !reply; attempt++) {
    reply = await deliverOnce(ctx, phone, probe, accounts.worker2.cookie, plan);
  }
  if (!reply) return;
  phone.apply(reply.outcomes);
  for (const outcome of reply.outcomes) {
    ctx.stats.wrongAuthorSent++;
    if (outcome.outcome === "rejected" || outcome.outcome === "held") ctx.stats.wrongAuthorRejected++;
    else ctx.fail(`trial ${plan.trial}: worker1's item ${outcome.id} sent under worker2's session came back "${outcome.outcome}"`);
  }
  // Refused ones: the worker deals with them, and they go again properly
  // below, under worker1's cookie (held ones never left the queue's care).
  phone.unreject(probe.map((item) => item.id));
}

/**
 * The app's sync loop with the trial's faults: rounds of batches until only
 * refused items are left. A network error (dead server) ends the round; the
 * next round sends what is still queued.
 */
async function syncPhone(ctx, phone, plan) {
  const { rng, accounts } = ctx;
  const cookieOf = (author) => (author === accounts.worker1.id ? accounts.worker1.cookie : accounts.worker2.cookie);
  for (let round = 0; round < 60; round++) {
    const pending = phone.pending();
    if (pending.length === 0) return;
    let batches = chunks(pending, plan.batchSize);
    if (plan.overlap) {
      batches = batches.map((batch, i) => {
        if (i === 0) return batch;
        const before = batches[i - 1];
        return [...before.slice(before.length - rng.int(1, before.length)), ...batch];
      });
    }
    if (plan.reorder) batches = rng.shuffle(batches.map((batch) => rng.shuffle(batch)));
    let failed = false;
    for (const batch of batches) {
      for (const run of runsByAuthor(batch)) {
        const reply = await deliver(ctx, phone, run.items, cookieOf(run.author), plan);
        if (!reply) failed = true;
      }
      if (failed) break;
    }
    if (failed) {
      // The server is down or restarting: wait as the app's back-off would.
      await ctx.server.whenUp();
      await sleep(20 + 20 * round);
    }
  }
}

/** One batch with the trial's delivery faults. Returns the reply applied, or null. */
async function deliver(ctx, phone, items, cookie, plan) {
  const { rng } = ctx;
  if (plan.replyLost && rng.chance(0.5)) {
    // The reply never reaches the phone: nothing is applied, it sends again.
    ctx.stats.repliesLost++;
    await deliverOnce(ctx, phone, items, cookie, plan);
  }
  let reply = await deliverOnce(ctx, phone, items, cookie, plan);
  if (!reply) return null;
  phone.apply(reply.outcomes);
  if (plan.duplicate && rng.chance(0.6)) {
    // The same batch arrives again; every item must now be already stored
    // (or refused again).
    ctx.stats.duplicateDeliveries++;
    const again = await deliverOnce(ctx, phone, items, cookie, plan);
    if (!again) return null;
    for (const outcome of again.outcomes) {
      if (outcome.outcome === "stored") {
        const before = reply.outcomes.find((o) => o.id === outcome.id);
        if (before?.outcome === "stored") ctx.fail(`trial ${plan.trial}: item ${outcome.id} was "stored" twice`);
      }
    }
    phone.apply(again.outcomes);
    reply = again;
  }
  return reply;
}

/**
 * Sends one batch once. Returns the checked reply, or null when the server
 * gave no answer (or an error status), which the phone treats as "later".
 */
async function deliverOnce(ctx, phone, items, cookie, plan) {
  const crash = plan.crash;
  if (crash.point && !crash.armed && crash.requests === crash.atRequest) {
    crash.armed = true;
    await ctx.server.arm(crash.point);
    crash.armDone = true;
  }
  crash.requests++;
  ctx.stats.requests++;
  const sentToArmedServer = crash.armDone && !crash.victims;
  const reply = await ctx.api.syncEntries(cookie, phone.now(), items);
  if (reply.network) {
    ctx.stats.networkErrors++;
    // The first batch the armed server died on: what the retry says about
    // these items shows where it died (see crashEvidence).
    if (sentToArmedServer && !crash.victims) crash.victims = new Map(items.map((item) => [item.id, null]));
    await ctx.server.whenUp();
    return null;
  }
  if (reply.status !== 200) {
    ctx.fail(`trial ${plan.trial}: sync_entries answered HTTP ${reply.status}: ${reply.text.slice(0, 300)}`);
    // A batch refused whole because of an undecodable item would block the
    // queue for ever; take such items off so the honest ones can go.
    const broken = items.filter((item) => ctx.ledger.undecodable.has(item.id)).map((item) => item.id);
    if (broken.length) phone.drop(broken);
    else if (reply.status < 500) throw new Error(`sync_entries refused a batch with HTTP ${reply.status}`);
    else await sleep(200); // a server error: the phone tries again later
    return null;
  }
  const outcomes = reply.json?.outcomes;
  const inOrder =
    Array.isArray(outcomes) && outcomes.length === items.length && outcomes.every((o, i) => o.id === items[i].id);
  if (!inOrder) {
    ctx.fail(`trial ${plan.trial}: sync_entries reply does not match its batch (one outcome per item, in order): ${reply.text.slice(0, 300)}`);
    return null;
  }
  for (const outcome of outcomes) {
    if (!["stored", "already_stored", "rejected", "held"].includes(outcome.outcome)) {
      ctx.fail(`trial ${plan.trial}: unknown outcome ${JSON.stringify(outcome)}`);
    }
    ctx.stats.outcomes[outcome.outcome] = (ctx.stats.outcomes[outcome.outcome] ?? 0) + 1;
    if (crash.victims?.get(outcome.id) === null) crash.victims.set(outcome.id, outcome.outcome);
  }
  return reply.json;
}
