// Session mode on a phone with no signal: the worker's page and entries live
// in IndexedDB and the service worker's cache, and reach the server exactly
// once when it is back. Each spec runs its own server, which it stops to take
// the network away (service worker included) and starts again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  phonePage,
  signIn,
  hydrated,
  assertPhoneFriendly,
  ownServer,
  keptForOffline,
  waitForUnsynced,
  openTodaysSession,
  SCREENSHOTS,
} from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Logs one observation through the form, as a worker would. */
async function logObservation(page, category, text) {
  await page.getByRole("group", { name: "Category" }).getByRole("button", { name: category, exact: true }).click();
  await page.getByLabel("What happened").fill(text);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  // "Saved" appears only once IndexedDB has committed the entry.
  await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
  await page.waitForFunction(() => document.querySelector("textarea")?.value === "");
}

async function goOffline(context, server) {
  await server.stop();
  await context.setOffline(true);
}

async function goOnline(context, server) {
  await server.start();
  await context.setOffline(false);
}

/** The observation lines of a record page, in the order shown. */
async function timelineLines(page) {
  return page.locator("[data-testid=timeline] .timeline-line").evaluateAll((lines) =>
    lines.map((line) => ({
      time: line.querySelector(".line-time").textContent.trim(),
      what: line.querySelector(".line-what").textContent.trim(),
      text: line.querySelector(".line-text")?.textContent.trim() ?? "",
    })),
  );
}

test("a worker records a session offline, across a reload and a closed page, and it all syncs once", async () => {
  const server = await ownServer();
  const { context, page } = await phonePage(browser, server.url);
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    const path = await openTodaysSession(page);

    await goOffline(context, server);
    await page.reload();
    await hydrated(page);
    await page.getByRole("button", { name: "Start session" }).waitFor();
    await page.locator(".dot.offline").waitFor();

    await page.getByRole("button", { name: "Start session" }).click();
    await page.getByText(/^Session started \d\d:\d\d$/).waitFor();
    await page.getByText("Nobody holds sight and sound").waitFor();
    const categories = ["Greeting", "Play", "Conversation", "Care task", "Physical contact"];
    for (let n = 1; n <= 20; n++) {
      await logObservation(page, categories[n % categories.length], `Observation number ${n}`);
      if (n === 5) {
        await page.getByRole("button", { name: "Hand to Tom Barker" }).click();
        await page.getByText("Sight and sound: Tom Barker").waitFor();
      }
      if (n === 12) {
        await page.getByRole("button", { name: "I take sight and sound" }).click();
        await page.getByText("Sight and sound: Priya Shah (you)").waitFor();
      }
    }
    // The start, 20 observations and 2 handovers: 23 entries, all on the phone.
    await waitForUnsynced(page, 23);
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}session-offline.png`, fullPage: true });

    // Close the page and open the session again, still with no network.
    await page.close();
    const again = await context.newPage();
    again.on("pageerror", (error) => errors.push(error.message));
    await again.goto(path);
    await hydrated(again);
    await waitForUnsynced(again, 23);
    const offlineLines = await timelineLines(again);
    assert.equal(offlineLines.filter((l) => l.text.startsWith("Observation number")).length, 20);
    assert.ok(offlineLines.every((l) => /^\d\d:\d\d$/.test(l.time)), "every line shows HH:MM");

    await goOnline(context, server);
    await waitForUnsynced(again, 0);
    await again.getByTestId("last-sync").filter({ hasText: /Last synced \d\d:\d\d/ }).waitFor();
    assert.deepEqual(errors, []);

    // The coordinator sees every entry, in order, with its time.
    const coordinator = await phonePage(browser, server.url);
    try {
      await signIn(coordinator.page, "coordinator");
      await coordinator.page.waitForURL("**/coordinator");
      const id = path.split("/").pop();
      await coordinator.page.goto(`/coordinator/sessions/${id}`);
      await coordinator.page.getByText("23 entries synced so far.").waitFor();
      const lines = await timelineLines(coordinator.page);
      const numbers = lines
        .filter((l) => l.text.startsWith("Observation number"))
        .map((l) => Number(l.text.replace("Observation number ", "")));
      assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => i + 1), "all 20, in the order logged");
      assert.equal(lines.filter((l) => l.what.startsWith("Sight and sound to")).length, 2);
      assert.equal(lines[0].what, "Session started");
      const minutes = lines.map((l) => l.time);
      assert.deepEqual([...minutes].sort(), minutes, "times never go backwards");
      await coordinator.page.getByTestId("coverage").getByText(/Tom Barker/).waitFor();
      await assertPhoneFriendly(coordinator.page);
      await coordinator.page.screenshot({ path: `${SCREENSHOTS}session-record-coordinator.png`, fullPage: true });
    } finally {
      await coordinator.context.close();
    }
  } finally {
    await context.close();
    await server.stop();
  }
});

/** The keys of the phone's logs store: a session's own log under its number, the batches of acknowledged entries kept beside it under text. */
async function logsKeys(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const opening = indexedDB.open("contact-centre");
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const keys = opening.result.transaction("logs").objectStore("logs").getAllKeys();
          keys.onsuccess = () => {
            opening.result.close();
            resolve(keys.result);
          };
          keys.onerror = () => reject(keys.error);
        };
      }),
  );
}
const entriesKeptBesideLogs = async (page) => (await logsKeys(page)).filter((key) => typeof key === "string");

test("entries just synced still show on a phone that loses signal before it reads the session's log back, and are let go once it does", async () => {
  const server = await ownServer();
  const { context, page } = await phonePage(browser, server.url);
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    await openTodaysSession(page);
    // The phone keeps the session's log as read from the server.
    for (let tries = 0; tries < 80 && !(await logsKeys(page)).some((key) => typeof key === "number"); tries++) await page.waitForTimeout(250);
    assert.ok((await logsKeys(page)).some((key) => typeof key === "number"), "the session's log is kept on the phone");
    // The server's log cannot be read back after this sync (the line drops
    // just after the acknowledgements arrive).
    await context.route("**/api/session_log", (route) => route.abort("connectionreset"));
    await goOffline(context, server);
    await page.getByRole("button", { name: "Start session" }).click();
    await page.getByText(/^Session started \d\d:\d\d$/).waitFor();
    for (let n = 1; n <= 3; n++) await logObservation(page, "Play", `Kept observation ${n}`);
    await waitForUnsynced(page, 4);
    await goOnline(context, server);
    await waitForUnsynced(page, 0);
    assert.ok((await entriesKeptBesideLogs(page)).length > 0, "the acknowledged entries are kept beside the session's log");

    // No signal again; the page opened afresh from the phone alone.
    await goOffline(context, server);
    await page.reload();
    await hydrated(page);
    await page.locator(".dot.offline").waitFor();
    await waitForUnsynced(page, 0);
    const kept = (await timelineLines(page)).filter((l) => l.text.startsWith("Kept observation")).map((l) => l.text);
    assert.deepEqual(kept, ["Kept observation 1", "Kept observation 2", "Kept observation 3"]);

    // Signal back and the log read: it holds them, so nothing is kept beside it any more.
    await context.unroute("**/api/session_log");
    await goOnline(context, server);
    await page.getByRole("button", { name: "Sync now" }).click();
    for (let tries = 0; tries < 80 && (await entriesKeptBesideLogs(page)).length > 0; tries++) await page.waitForTimeout(250);
    assert.deepEqual(await entriesKeptBesideLogs(page), [], "let go once the server's log holds them");
    const after = (await timelineLines(page)).filter((l) => l.text.startsWith("Kept observation"));
    assert.equal(after.length, 3, "each shown once, from the server's log");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

test("the server stops while the phone is syncing: nothing is lost and nothing is stored twice", async () => {
  const server = await ownServer();
  const { context, page } = await phonePage(browser, server.url);
  try {
    const path = await openTodaysSession(page);
    await context.setOffline(true);
    await page.locator(".dot.offline").waitFor();
    for (let n = 1; n <= 12; n++) {
      await logObservation(page, "Play", `Entry ${n} before the outage`);
    }
    await waitForUnsynced(page, 12);

    // Signing out now would leave the entries waiting on the phone: it asks first.
    await page.getByRole("button", { name: "Sign out" }).click();
    const warning = page.getByRole("alertdialog", { name: "Entries not synced" });
    await warning.getByText("12 of your entries are only on this phone").waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}session-sign-out-warning.png` });
    await warning.getByRole("button", { name: "Stay signed in" }).click();
    await warning.waitFor({ state: "detached" });
    assert.ok(page.url().endsWith(path), "still on the session page");

    // The server stores the batch, then dies before the phone hears back.
    let killed = false;
    await context.route("**/api/sync_entries", async (route) => {
      const reply = await route.fetch();
      assert.equal(reply.status(), 200);
      await server.stop();
      killed = true;
      await route.abort("connectionreset");
    });
    await context.setOffline(false);
    for (let i = 0; i < 200 && !killed; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(killed, "the phone tried to sync once the network was back");
    await page.locator(".sync-error").filter({ hasText: "Could not reach the server" }).waitFor();
    // Not acknowledged, so still on the phone, and the page says so.
    await waitForUnsynced(page, 12);
    await page.screenshot({ path: `${SCREENSHOTS}session-sync-failed.png`, fullPage: true });

    await context.unroute("**/api/sync_entries");
    await server.start();
    await page.getByRole("button", { name: "Sync now" }).click();
    await waitForUnsynced(page, 0);
    await page.locator(".sync-error").waitFor({ state: "detached" });

    // Exactly twelve on the server, each once.
    const id = Number(path.split("/").pop());
    const coordinator = await phonePage(browser, server.url);
    try {
      await signIn(coordinator.page, "coordinator");
      await coordinator.page.waitForURL("**/coordinator");
      const reply = await coordinator.page.request.post("/api/session_log", { form: { booking_id: String(id) } });
      assert.equal(reply.status(), 200);
      const log = await reply.json();
      const texts = log.entries.map((e) => e.kind.text);
      assert.equal(texts.length, 12);
      assert.equal(new Set(log.entries.map((e) => e.id)).size, 12);
      assert.deepEqual(texts, Array.from({ length: 12 }, (_, i) => `Entry ${i + 1} before the outage`));
    } finally {
      await coordinator.context.close();
    }

    // Everything synced, so signing out goes straight through, and leaves
    // nothing of the worker's on the phone but their name (kept so that
    // entries waiting on a shared phone can say whose they are).
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    const phoneHolds = () => page.evaluate(async () => {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open("contact-centre");
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const counts = {};
      for (const name of ["sessions", "queue", "logs", "memo", "keys"]) {
        counts[name] = await new Promise((resolve) => {
          const request = db.transaction(name).objectStore(name).count();
          request.onsuccess = () => resolve(request.result);
        });
      }
      db.close();
      const kept = [];
      for (const name of await caches.keys()) {
        if (name.startsWith("pages-")) kept.push(...(await (await caches.open(name)).keys()).map((r) => r.url));
      }
      return { counts, kept };
    });
    let left = await phoneHolds();
    for (let i = 0; i < 50 && (left.kept.length || left.counts.sessions + left.counts.queue + left.counts.logs + left.counts.keys > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await phoneHolds();
    }
    assert.deepEqual(left.counts, { sessions: 0, queue: 0, logs: 0, memo: 1, keys: 0 }, "the phone keeps nothing after sign-out, not even the key");
    assert.deepEqual(left.kept, [], "no kept pages either");
  } finally {
    await context.close();
    await server.stop();
  }
});

test("a shared phone: one worker's entries wait for them and are never filed under the next worker", async () => {
  const server = await ownServer();
  const { context, page, problems } = await phonePage(browser, server.url);
  try {
    const path = await openTodaysSession(page);
    await context.setOffline(true);
    await page.locator(".dot.offline").waitFor();
    await logObservation(page, "Play", "Priya's note one");
    await logObservation(page, "Greeting", "Priya's note two");
    await waitForUnsynced(page, 2);

    // What the phone keeps is sealed under Priya's key: nothing a worker
    // typed, and no child's name, can be read from its storage, and the key
    // itself cannot be read back out.
    const child = (await page.locator(".session-head p").nth(1).textContent()).split(" (")[0].trim();
    assert.ok(child.length > 1, "the session names its child");
    let raw = await phoneRaw(page);
    assert.equal(raw.queue.length, 2);
    assert.equal(raw.sessions.length, 1);
    for (const text of [...raw.queue, ...raw.sessions, ...raw.logs]) {
      assert.ok(!text.includes("Priya's note") && !text.includes(child), `kept in the clear: ${text.slice(0, 120)}`);
      assert.ok(JSON.parse(text).iv, "sealed");
    }
    assert.equal(raw.keys.length, 1);
    const priyasKey = raw.keys[0];
    assert.deepEqual({ ...priyasKey, worker: typeof priyasKey.worker }, { worker: "number", type: "CryptoKey", extractable: false, exported: "refused" });

    // Back online, but the sync cannot get through; Priya signs out anyway.
    await context.route("**/api/sync_entries", (route) => route.abort("connectionreset"));
    await context.setOffline(false);
    await page.getByRole("button", { name: "Sign out" }).click();
    const warning = page.getByRole("alertdialog", { name: "Entries not synced" });
    await warning.getByText("2 of your entries are only on this phone").waitFor();
    await warning.getByRole("button", { name: "Sign out anyway" }).click();
    await page.waitForURL("**/sign-in");
    await context.unroute("**/api/sync_entries");
    // Signed out: her key is gone; her entries stay, sealed.
    raw = await phoneRaw(page);
    for (let i = 0; i < 50 && raw.keys.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      raw = await phoneRaw(page);
    }
    assert.deepEqual(raw.keys, [], "the key goes at sign-out");
    assert.equal(raw.queue.length, 2, "the entries stay");
    assert.ok(raw.queue.every((text) => !text.includes("Priya's note")));

    // Tom signs in on the same phone. Priya's entries stay on it, named,
    // and none reaches the server as his.
    await signIn(page, "worker2");
    await page.waitForURL("**/worker");
    const waiting = page.getByTestId("waiting-entries");
    await waiting.filter({ hasText: "2 entries by Priya Shah wait on this phone" }).waitFor();
    await waitForUnsynced(page, 0);
    raw = await phoneRaw(page);
    assert.equal(raw.keys.length, 1);
    assert.notEqual(raw.keys[0].worker, priyasKey.worker, "the phone holds Tom's key, not Priya's");
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.getByTestId("last-sync").filter({ hasText: /Last synced \d\d:\d\d/ }).waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}shared-phone-waiting.png`, fullPage: true });

    const booking = Number(path.split("/").pop());
    const stored = async () => {
      const coordinator = await phonePage(browser, server.url);
      try {
        await signIn(coordinator.page, "coordinator");
        await coordinator.page.waitForURL("**/coordinator");
        const reply = await coordinator.page.request.post("/api/session_log", { form: { booking_id: String(booking) } });
        assert.equal(reply.status(), 200);
        const log = await reply.json();
        const names = new Map(log.workers.map((w) => [w.id, w.name]));
        return log.entries.filter((e) => e.kind.text?.startsWith("Priya's")).map((e) => [e.kind.text, names.get(e.author)]);
      } finally {
        await coordinator.context.close();
      }
    };
    assert.deepEqual(await stored(), [], "nothing of Priya's was sent under Tom's sign-in");

    // Tom signs out; Priya signs in on the phone again, and her entries go
    // as hers.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await signIn(page, "worker1");
    await page.waitForURL("**/worker");
    let hers = await stored();
    for (let i = 0; i < 40 && hers.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      hers = await stored();
    }
    await waitForUnsynced(page, 0);
    assert.deepEqual(hers.sort(), [
      ["Priya's note one", "Priya Shah"],
      ["Priya's note two", "Priya Shah"],
    ]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

/**
 * What the phone's IndexedDB holds, store by store, as the stored text; for
 * the key store, what each key is and whether the page can export it.
 */
async function phoneRaw(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const opening = indexedDB.open("contact-centre");
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    const all = (name) =>
      db.objectStoreNames.contains(name)
        ? new Promise((resolve) => {
            const reading = db.transaction(name).objectStore(name).getAll();
            reading.onsuccess = () => resolve(reading.result);
          })
        : [];
    const held = {};
    for (const name of ["sessions", "queue", "logs", "memo"]) {
      held[name] = (await all(name)).map((value) => (typeof value === "string" ? value : JSON.stringify(value)));
    }
    held.keys = [];
    for (const record of await all("keys")) {
      let exported = "refused";
      try {
        await crypto.subtle.exportKey("raw", record.key);
        exported = "exported";
      } catch {}
      held.keys.push({ worker: record.worker, type: record.key?.constructor?.name, extractable: record.key?.extractable, exported });
    }
    db.close();
    return held;
  });
}

/** Moves the phone's note of its last contact with the centre back `days` days. */
async function lastContactDaysAgo(page, days) {
  await page.evaluate(async (days) => {
    const db = await new Promise((resolve, reject) => {
      const opening = indexedDB.open("contact-centre");
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    const tx = db.transaction("memo", "readwrite");
    const store = tx.objectStore("memo");
    const text = await new Promise((resolve) => {
      const reading = store.get("mine");
      reading.onsuccess = () => resolve(reading.result);
    });
    const memo = JSON.parse(text);
    memo.last_contact_ms = Date.now() - days * 24 * 60 * 60 * 1000;
    store.put(JSON.stringify(memo), "mine");
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  }, days);
}

/** Whether the phone still holds a copy of the worker's sessions. */
async function sessionsKept(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve) => {
      const opening = indexedDB.open("contact-centre");
      opening.onsuccess = () => resolve(opening.result);
    });
    const kept = await new Promise((resolve) => {
      const reading = db.transaction("sessions").objectStore("sessions").get("mine");
      reading.onsuccess = () => resolve(reading.result !== undefined);
    });
    db.close();
    return kept;
  });
}

test("a phone that has not reached the centre for 14 days drops its copy of the sessions, never the unsynced entries", async () => {
  const server = await ownServer();
  const { context, page, problems } = await phonePage(browser, server.url);
  try {
    await openTodaysSession(page);
    await goOffline(context, server);
    await page.locator(".dot.offline").waitFor();
    await logObservation(page, "Play", "Typed with no signal, before the copy expired");
    await waitForUnsynced(page, 1);

    // Thirteen days without contact: the copy is still there.
    await lastContactDaysAgo(page, 13);
    await page.goto("/worker");
    await page.locator("a.session-link", { hasText: "FAM-0002" }).waitFor();
    assert.equal(await sessionsKept(page), true);

    // Fifteen: the children's names and notes are gone from the phone, the
    // worker is told why, and the entry typed offline is still waiting.
    await lastContactDaysAgo(page, 15);
    await page.reload();
    await page.getByRole("alert").filter({ hasText: "had not reached the centre for 14 days" }).waitFor();
    assert.equal(await sessionsKept(page), false);
    assert.equal(await page.locator("a.session-link").count(), 0);
    // The key went with the copy: the entry stays, sealed, and is still
    // counted, until signal brings the key back.
    const held = await phoneRaw(page);
    assert.deepEqual(held.keys, []);
    assert.equal(held.queue.length, 1);
    assert.ok(!held.queue[0].includes("Typed with no signal"));
    await waitForUnsynced(page, 1);
    await page.screenshot({ path: `${SCREENSHOTS}worker-copy-expired.png`, fullPage: true });

    // Back in signal: the entry syncs once and the sessions come back.
    await goOnline(context, server);
    await waitForUnsynced(page, 0, 30_000);
    await page.locator("a.session-link", { hasText: "FAM-0002" }).waitFor({ timeout: 30_000 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

test("with no signal, a worker records that nobody came; it syncs once and the record asks for a short non-attendance record", async () => {
  const server = await ownServer();
  const { context, page, problems } = await phonePage(browser, server.url);
  try {
    const path = await openTodaysSession(page);
    const booking = path.split("/").pop();
    await goOffline(context, server);
    await page.getByRole("button", { name: "The session is not taking place" }).click();
    await page.getByRole("group", { name: "Who did not come?" }).getByRole("button", { name: "The visiting parent did not come" }).click();
    await page.getByLabel("What were you told?").fill("Rang at 10:05: the car broke down.");
    await assertPhoneFriendly(page);
    await page.getByRole("button", { name: "Record that the session did not take place" }).click();
    await page.getByRole("status").filter({ hasText: "The visiting parent did not come: Rang at 10:05: the car broke down." }).waitFor();
    await waitForUnsynced(page, 1);
    // It stays on the phone across a reload without signal.
    await page.reload();
    await hydrated(page);
    await page.getByRole("status").filter({ hasText: "The visiting parent did not come" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}session-not-taking-place.png`, fullPage: true });

    // Signal again: it reaches the centre once.
    await goOnline(context, server);
    await waitForUnsynced(page, 0);
    await page.goto(`/worker/records/${booking}`);
    await hydrated(page);
    await page.getByTestId("did-not-take-place").filter({ hasText: "Rang at 10:05" }).first().waitFor();
    await page.getByLabel("Non-attendance record").fill("Waited 30 minutes with Ava's mum; told the coordinator at 10:40.");
    await page.getByLabel("If your co-worker will not sign, say why").fill("Tom was not needed: nobody came.");
    await page.getByLabel("Your password or signing PIN").fill("contact-demo");
    await page.getByRole("button", { name: "Sign", exact: true }).click();
    await page.locator(".record-head .badge").filter({ hasText: "Signed, waiting for co-signature" }).waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}record-non-attendance.png`, fullPage: true });
    // Stored once: the session's log on the server has one such entry.
    const log = await page.evaluate(async (id) => {
      const response = await fetch("/api/session_log", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `booking_id=${id}` });
      return response.json();
    }, booking);
    assert.equal(log.entries.filter((e) => e.kind.type === "not_attended").length, 1);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

test("an observation names the child it is about when the family has more than one", async () => {
  const server = await ownServer();
  const { context, page, problems } = await phonePage(browser, server.url);
  try {
    await signIn(page, "worker1");
    await page.waitForURL("**/worker");
    // The demo's other family has two children, Lily and Noah.
    await page.locator("a.session-link", { hasText: "FAM-0001" }).first().click();
    await page.getByRole("heading", { name: /FAM-0001/ }).waitFor();
    await hydrated(page);
    const about = page.getByRole("group", { name: "About" });
    await about.getByRole("button", { name: "All children" }).waitFor();
    assert.equal(await about.getByRole("button", { name: "All children" }).getAttribute("aria-pressed"), "true");
    await about.getByRole("button", { name: "Noah" }).click();
    assert.equal(await about.getByRole("button", { name: "Noah" }).getAttribute("aria-pressed"), "true");
    await assertPhoneFriendly(page);
    // Without signal (the session is next week: synced now, the server
    // would refuse an entry dated today, which is not what this checks).
    await context.setOffline(true);
    await logObservation(page, "Play", "Noah built a tower with his dad");
    const line = page.locator("[data-testid=timeline] .timeline-line", { hasText: "Noah built a tower" });
    await line.locator(".line-what", { hasText: "Play (Noah)" }).waitFor();
    // Saved, the choice goes back to all the children for the next entry.
    assert.equal(await about.getByRole("button", { name: "All children" }).getAttribute("aria-pressed"), "true");
    await page.screenshot({ path: `${SCREENSHOTS}observation-about-a-child.png`, fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.stop();
  }
});
