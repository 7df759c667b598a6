// Chromium trials: the real app, service worker and IndexedDB, worker1 on the
// demo's FAM-0002 session page at a phone's viewport. Each trial logs 1 to 8
// observations through the form and draws one fault from BROWSER_FAULTS; the
// app's own retries are the duplicate deliveries. Then the phone must empty
// its queue, and the coordinator's log must hold each typed text once, by
// worker1, and nothing else new.
import { cpSync, readdirSync, appendFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { launch, phonePage, hydrated, keptForOffline, openTodaysSession } from "../tests/support.mjs";
import { sleep } from "./random.mjs";

export const BROWSER_FAULTS = [
  "offline_during_save", // the network goes right after a tap on "Save", back later
  "server_killed", // the server is killed as the queued entries start to sync
  "crash_before_commit", // CCC_FAULTS: the server aborts just before the batch commits
  "crash_after_commit", // ... just after it commits, before replying
  "reload_mid_sync", // the page reloads right after the network comes back
  "sw_upgrade", // a new service worker takes over while entries are queued
];

/** Category buttons as labelled on the page, and as the wire spells them. */
const CATEGORIES = [
  ["Arrival", "arrival"],
  ["Greeting", "greeting"],
  ["Play", "play"],
  ["Conversation", "conversation"],
  ["Care task", "care_task"],
  ["Physical contact", "physical_contact"],
  ["Ground rules", "ground_rules"],
  ["Distress", "distress"],
  ["Safeguarding concern", "safeguarding_concern"],
  ["Departure", "departure"],
];

/** A fresh context every this many trials (a fresh sign-in is slow). */
const CONTEXT_TRIALS = 20;

export class BrowserRunner {
  constructor(ctx) {
    this.ctx = ctx;
    this.browser = null;
    this.phone = null;
    this.trialsInContext = 0;
    this.order = ctx.rng.shuffle(BROWSER_FAULTS);
    this.sites = null;
    this.trial = 0;
  }

  async close() {
    await this.phone?.context.close().catch(() => {});
    await this.browser?.close().catch(() => {});
  }

  /** A new context: sign in as worker1, open the session, wait until it is kept offline. */
  async openPhone() {
    await this.phone?.context.close().catch(() => {});
    this.phone = null;
    if (!this.browser) this.browser = await launch();
    const { context, page } = await phonePage(this.browser, this.ctx.server.url);
    this.phone = { context, page, path: null };
    this.trialsInContext = CONTEXT_TRIALS; // until it is ready
    this.watch(context, page);
    this.phone.path = await openTodaysSession(page);
    this.trialsInContext = 0;
  }

  /** Page errors and server 5xx responses are harness failures. */
  watch(context, page) {
    page.on("pageerror", (error) => this.ctx.fail(`browser trial ${this.trial}: page error: ${error.message}`));
    context.on("response", (response) => {
      if (response.status() >= 500 && !response.fromServiceWorker()) {
        this.ctx.fail(`browser trial ${this.trial}: HTTP ${response.status()} from ${response.request().method()} ${response.url()}`);
      }
    });
  }

  /** Runs browser trial number `index` (0-based among browser trials) as trial `trial`. */
  async run(trial, index) {
    const { ctx } = this;
    this.trial = trial;
    const fault = this.order[index % this.order.length];
    ctx.ledger.beginTrial(trial, "browser", [fault]);
    if (!this.phone?.path || this.trialsInContext >= CONTEXT_TRIALS) await this.openPhone();
    this.trialsInContext++;
    const { rng } = ctx;
    const entries = Array.from({ length: rng.int(1, 8) }, (_, i) => {
      const [label, category] = rng.pick(CATEGORIES);
      return { label, category, text: `${ctx.runTag} browser trial ${trial} observation ${i + 1}` };
    });
    const faults = {
      offline_during_save: () => this.offlineDuringSave(entries),
      server_killed: () => this.serverKilled(entries),
      crash_before_commit: () => this.crashAt("before_commit", entries),
      crash_after_commit: () => this.crashAt("after_commit", entries),
      reload_mid_sync: () => this.reloadMidSync(entries),
      sw_upgrade: () => this.swUpgrade(entries),
    };
    try {
      await faults[fault]();
      await this.settle();
    } catch (error) {
      // Something the trial waited for did not happen. Put the network and
      // the server back, give what was saved a chance to sync (so that a
      // harness hiccup is not counted as lost entries), and open a new
      // context for the next trial.
      await this.phone?.context.setOffline(false).catch(() => {});
      await this.phone?.context.unroute("**/api/sync_entries").catch(() => {});
      await ctx.server.disarm();
      if (!ctx.server.child) await ctx.server.start();
      if (this.phone?.path) await this.settle().catch(() => {});
      this.trialsInContext = CONTEXT_TRIALS;
      throw error;
    }
    return [fault];
  }

  // ---- the faults ----

  /** The network goes right after one tap on "Save" and comes back 0 to 1.5 s later. */
  async offlineDuringSave(entries) {
    const { context } = this.phone;
    const cut = this.ctx.rng.int(0, entries.length - 1);
    for (const [i, entry] of entries.entries()) {
      await this.logObservation(entry, i === cut ? () => context.setOffline(true) : null);
    }
    await sleep(this.ctx.rng.int(0, 1_500));
    await context.setOffline(false);
  }

  /** Entries queued offline; the server is killed as their sync request goes out, then started again. */
  async serverKilled(entries) {
    const { context, page } = this.phone;
    await this.queueOffline(entries);
    const syncing = page.waitForRequest((r) => r.url().endsWith("/api/sync_entries"), { timeout: 30_000 });
    await context.setOffline(false);
    await syncing;
    await sleep(this.ctx.rng.int(0, 40));
    await this.ctx.server.stop();
    await sleep(this.ctx.rng.int(100, 1_000));
    await this.ctx.server.start();
  }

  /** Entries queued offline, the server armed with CCC_FAULTS, then online: its sync kills the server. */
  async crashAt(point, entries) {
    const { context } = this.phone;
    await this.queueOffline(entries);
    await this.ctx.server.arm(point);
    const died = this.ctx.server.waitForDeath(30_000);
    await context.setOffline(false);
    if (await died) {
      this.ctx.stats.crashTrials[point]++;
    } else {
      this.ctx.fail(`browser trial ${this.trial}: CCC_FAULTS=${point}=1 was set but the server did not die within 30 s of the phone going online`);
      await this.ctx.server.disarm();
    }
    // The supervisor starts it again; the app retries on its back-off timer.
    await this.ctx.server.whenUp();
  }

  /** Entries queued offline; the page reloads the moment the network is back. */
  async reloadMidSync(entries) {
    const { context, page } = this.phone;
    await this.queueOffline(entries);
    await context.setOffline(false);
    await sleep(this.ctx.rng.int(0, 60));
    await page.reload();
    await hydrated(page);
  }

  /**
   * Entries queued offline; the server comes back serving a changed build
   * (one file under pkg/ differs, so /sw.js has a new version). Syncing is
   * held off until the new service worker has taken over and the page has
   * reloaded under it: the entries must survive the upgrade and then sync.
   */
  async swUpgrade(entries) {
    const { context, page } = this.phone;
    const oldVersion = await this.swVersion();
    await this.queueOffline(entries);
    await context.route("**/api/sync_entries", (route) => route.abort("internetdisconnected"));
    await this.ctx.server.restart({ siteRoot: this.otherSite() });
    await context.setOffline(false);
    await page.reload();
    await hydrated(page);
    const offer = page.locator("#update-offer button", { hasText: "Reload" });
    try {
      await offer.waitFor({ timeout: 8_000 });
    } catch {
      // The browser checks for a new worker on navigation; ask it again.
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await offer.waitFor({ timeout: 30_000 });
    }
    await this.expectQueued(entries.length, "after the new service worker installed");
    const reloaded = page.waitForEvent("load", { timeout: 30_000 });
    await offer.click();
    await reloaded;
    await hydrated(page);
    const newVersion = await this.swVersion();
    if (newVersion === oldVersion) throw new Error(`the service worker version did not change (${oldVersion})`);
    await page.waitForFunction(
      async (version) => {
        const names = (await caches.keys()).filter((name) => name.startsWith("assets-"));
        return names.length === 1 && names[0] === `assets-${version}`;
      },
      newVersion,
      { timeout: 30_000, polling: 250 },
    );
    await keptForOffline(page, this.phone.path);
    // Still queued under the new worker; now let them go.
    await this.expectQueued(entries.length, "after the new service worker took over");
    await context.unroute("**/api/sync_entries");
    this.ctx.stats.swUpgrades++;
  }

  // ---- helpers ----

  /** Logs one observation through the form, as a worker would. */
  async logObservation(entry, afterTap = null) {
    const { page } = this.phone;
    await page.getByRole("group", { name: "Category" }).getByRole("button", { name: entry.label, exact: true }).click();
    await page.getByLabel("What happened").fill(entry.text);
    // Written down as made from the tap on: from then on it must reach the server.
    this.ctx.ledger.typed(this.trial, entry.text, entry.category, this.ctx.accounts.worker1.id);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    if (afterTap) await afterTap();
    // "Saved" only once IndexedDB has committed it; the form then clears.
    await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
    await page.waitForFunction(() => document.querySelector("textarea")?.value === "");
  }

  /** Goes offline (the app notices), logs every entry, checks they are all queued. */
  async queueOffline(entries) {
    const { context, page } = this.phone;
    await context.setOffline(true);
    await page.locator(".dot.offline").waitFor();
    for (const entry of entries) await this.logObservation(entry);
    await this.expectQueued(entries.length, "while offline");
  }

  async expectQueued(count, when) {
    const queue = await readQueue(this.phone.page);
    if (queue.count !== count) throw new Error(`${queue.count} entries queued ${when}, expected ${count}`);
  }

  /** The running service worker's version, from /sw.js as served now. */
  async swVersion() {
    return this.phone.page.evaluate(async () => {
      const script = await (await fetch("/sw.js", { cache: "no-store" })).text();
      return /const VERSION = "([^"]+)"/.exec(script)?.[1] ?? null;
    });
  }

  /**
   * The other of two site folders: the built one and a copy whose .css has a
   * comment appended (a new /sw.js version). Each upgrade trial switches.
   */
  otherSite() {
    if (!this.sites) {
      const copy = join(mkdtempSync(join(this.ctx.runDir, "site-")), "site");
      cpSync(this.ctx.siteRoot, copy, { recursive: true });
      const pkg = join(copy, "pkg");
      const css = readdirSync(pkg).find((name) => name.endsWith(".css"));
      if (!css) throw new Error(`no .css file under ${pkg}`);
      appendFileSync(join(pkg, css), "\n/* fault harness: a changed build */\n");
      this.sites = [this.ctx.siteRoot, copy];
    }
    return this.ctx.server.siteRoot === this.sites[0] ? this.sites[1] : this.sites[0];
  }

  /**
   * Waits until the phone's queue is empty and the sync bar reads 0. Taps
   * "Sync now" now and then after the first 8 s, as a worker would rather
   * than wait out the app's back-off.
   */
  async settle() {
    const { page } = this.phone;
    const began = Date.now();
    let lastTap = began;
    while (Date.now() - began < 120_000) {
      const queue = await readQueue(page).catch(() => null);
      const shown = await page
        .locator("[data-testid=unsynced]")
        .textContent({ timeout: 1_000 })
        .catch(() => null);
      if (queue && queue.count === 0 && shown?.trim() === "0") return;
      if (queue && queue.count > 0 && queue.rejected.length === queue.count) {
        throw new Error(`the server refused ${queue.count} entries: ${[...new Set(queue.rejected)].join(" | ")}`);
      }
      if (Date.now() - lastTap > 8_000) {
        lastTap = Date.now();
        this.ctx.stats.syncNowTaps++;
        await page.locator("[data-testid=sync-bar] button.sync-now").click({ timeout: 2_000 }).catch(() => {});
      }
      await sleep(200);
    }
    const queue = await readQueue(page).catch(() => null);
    throw new Error(`the queue was not empty after 120 s (${queue ? `${queue.count} items` : "unreadable"})`);
  }
}

/** The phone's queue, read straight from IndexedDB: how many items, and the reasons of refused ones. */
function readQueue(page) {
  return page.evaluate(async () => {
    // Never create the database here (that would stand in the app's way).
    if (!(await indexedDB.databases()).some((d) => d.name === "contact-centre")) return { count: 0, rejected: [] };
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("contact-centre");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      if (!db.objectStoreNames.contains("queue")) return { count: 0, rejected: [] };
      const values = await new Promise((resolve, reject) => {
        const request = db.transaction("queue").objectStore("queue").getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const items = values.map((value) => {
        try {
          return typeof value === "string" ? JSON.parse(value) : value;
        } catch {
          return {};
        }
      });
      return { count: items.length, rejected: items.filter((item) => item?.rejected).map((item) => item.rejected) };
    } finally {
      db.close();
    }
  });
}
