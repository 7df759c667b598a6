// Fault injection for session mode's sync: do entries survive duplicate and
// reordered delivery, lost replies, server crashes before and after commit,
// two phones at once, a shared phone, skewed clocks, a dropped network, a
// reload and a service worker upgrade, with nothing lost, stored twice or put
// under the wrong worker?
//
//   node end2end/faults/harness.mjs [TRIALS] [BROWSER_TRIALS]
//
// TRIALS in all (default 1000), of which BROWSER_TRIALS in headless Chromium
// (default a tenth); the rest play phones over HTTP. One server (E2E_SERVER_BIN,
// site E2E_SITE_ROOT) on one data folder for the whole run, restarted when
// it dies. FAULTS_SEED replays a run's choices. The Chromium trials run
// first, while the session's record is small enough for the page to show.
// Ends with "N trials, N lost, N duplicated, N misattributed"; exits 1 if
// any is not 0 or the harness saw any other failure.
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, freePort } from "./server.mjs";
import { Api } from "./api.mjs";
import { Ledger, tally } from "./ledger.mjs";
import { seeded } from "./random.mjs";
import { httpTrial, HTTP_FAULTS } from "./http_trials.mjs";
import { BrowserRunner, BROWSER_FAULTS } from "./browser_trials.mjs";

const TRIALS = Number(process.argv[2] ?? 1000);
const BROWSER_TRIALS = Number(process.argv[3] ?? Math.round(TRIALS / 10));
if (!Number.isInteger(TRIALS) || !Number.isInteger(BROWSER_TRIALS) || TRIALS < 1 || BROWSER_TRIALS < 0 || BROWSER_TRIALS > TRIALS) {
  console.error("usage: node harness.mjs [TRIALS] [BROWSER_TRIALS]  (0 <= BROWSER_TRIALS <= TRIALS)");
  process.exit(2);
}
const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BIN = process.env.E2E_SERVER_BIN ?? `${process.env.HOME}/.cache/contact-centre/target/release/contact-centre`;
const SITE_ROOT = process.env.E2E_SITE_ROOT ?? new URL("../../target/site", import.meta.url).pathname;
const MAX_PRINTED = 40;

const began = Date.now();
const seconds = () => ((Date.now() - began) / 1000).toFixed(1);
let lastProgress = 0;
let trialsRun = 0;

// Harness failures: anything wrong besides the three counts (bad replies,
// page errors, 5xx, crashes that did not happen, trials that threw).
const failures = [];
function fail(message) {
  failures.push(message);
  if (failures.length <= MAX_PRINTED) console.log(`  FAIL ${message}`);
  if (failures.length === MAX_PRINTED + 1) console.log("  (further failures are counted, not printed)");
}
// Honest entries the server refused, by reason (each is also counted lost).
const refusals = new Map();
// Problems already found after their trial (the final check prints only new ones).
const found = new Set();
let problemsPrinted = 0;

const runDir = mkdtempSync(join(tmpdir(), "ccc-faults-"));
const dataDir = join(runDir, "data");
const server = new Server({ bin: BIN, siteRoot: SITE_ROOT, dataDir, runDir, port: await freePort() });
process.on("exit", () => server.killNow());
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.killNow();
    process.exit(130);
  });
}

const ctx = {
  rng: seeded(SEED),
  server,
  api: new Api(server),
  ledger: new Ledger(),
  runDir,
  siteRoot: SITE_ROOT,
  runTag: `FX${SEED.toString(36)}`,
  fail,
  refused(trial, item) {
    if (!refusals.has(item.rejected)) console.log(`  trial ${trial}: the server refused an honest entry (${item.id}): ${item.rejected}`);
    refusals.set(item.rejected, (refusals.get(item.rejected) ?? 0) + 1);
  },
  stats: {
    requests: 0,
    networkErrors: 0,
    repliesLost: 0,
    duplicateDeliveries: 0,
    outcomes: {},
    crashTrials: { before_commit: 0, after_commit: 0 },
    crashEvidence: { before_commit: { batches: 0, asExpected: 0 }, after_commit: { batches: 0, asExpected: 0 } },
    wrongAuthorSent: 0,
    wrongAuthorRejected: 0,
    undecodableMade: 0,
    undecodableRejected: 0,
    swUpgrades: 0,
    syncNowTaps: 0,
  },
};

console.log(`Fault injection: ${TRIALS} trials (${BROWSER_TRIALS} in Chromium), seed ${SEED}, server ${server.url}, run folder ${runDir}`);
if (!existsSync(BIN)) console.log(`No server binary at ${BIN}: build it (scripts/faults.sh does) or set E2E_SERVER_BIN.`);
if (!existsSync(join(SITE_ROOT, "pkg"))) console.log(`No built site at ${SITE_ROOT}: set E2E_SITE_ROOT.`);
let finalCounts = null;
try {
  await server.start();
  await setUp();
  await contractChecks();
  await browserTrials();
  await httpTrials();
} catch (error) {
  fail(`the harness stopped: ${error.stack ?? error}`);
}
if (ctx.accounts?.coordinator) {
  try {
    // The comparison that counts: every entry of the run against the log.
    await server.disarm();
    if (!server.child) await server.start();
    const log = await ctx.api.sessionLog(ctx.accounts.coordinator.cookie, ctx.bookingId);
    const problems = ctx.ledger.evaluate(log, null);
    finalCounts = tally(problems);
    report(problems, log);
  } catch (error) {
    fail(`the final check failed: ${error.stack ?? error}`);
  }
}
for (const death of server.unexpectedDeaths) fail(death);
await server.close().catch(() => {});

const counts = finalCounts ?? { lost: 0, duplicated: 0, misattributed: 0 };
const clean = finalCounts && !counts.lost && !counts.duplicated && !counts.misattributed && failures.length === 0 && trialsRun === TRIALS;
if (failures.length) console.log(`${failures.length} harness failure(s)${failures.length > MAX_PRINTED ? `, the first ${MAX_PRINTED} printed above` : ""}`);
if (clean) rmSync(runDir, { recursive: true, force: true });
else console.log(`The server's log (server.log) and data are kept in ${runDir}`);
console.log(`${trialsRun} trials, ${counts.lost} lost, ${counts.duplicated} duplicated, ${counts.misattributed} misattributed`);
process.exit(clean ? 0 : 1);

// ---- steps ----

/** Signs in the demo accounts and finds the FAM-0002 session and the workers' ids. */
async function setUp() {
  const { api } = ctx;
  ctx.accounts = {};
  for (const username of ["worker1", "worker2"]) {
    const cookie = await api.signIn(username);
    const mine = await api.mySessions(cookie);
    const session = mine.sessions.find((s) => s.case_reference === "FAM-0002");
    if (!session) throw new Error(`${username} is not booked on FAM-0002`);
    if (ctx.bookingId !== undefined && ctx.bookingId !== session.booking_id) throw new Error("the workers see different FAM-0002 bookings");
    ctx.bookingId = session.booking_id;
    ctx.accounts[username] = { id: mine.me.id, cookie };
  }
  ctx.accounts.coordinator = { cookie: await api.signIn("coordinator") };
  const log = await api.sessionLog(ctx.accounts.coordinator.cookie, ctx.bookingId);
  ctx.ledger.setBaseline(log);
  console.log(
    `FAM-0002 is booking ${ctx.bookingId}; worker1 is user ${ctx.accounts.worker1.id}, worker2 user ${ctx.accounts.worker2.id}; ${log.entries.length} entries before the run`,
  );
}

/** Two promises of the contract that no trial exercises by chance. */
async function contractChecks() {
  // A body over 1 MB is refused with 413, and the server carries on.
  const big = JSON.stringify({ batch: { sent_ms: Date.now(), items: [] }, padding: "x".repeat(1_100_000) });
  const reply = await ctx.api.post("sync_entries", { body: big, cookie: ctx.accounts.worker1.cookie });
  if (reply.network) fail(`a body over 1 MB got no answer (${reply.network})`);
  else if (reply.status !== 413) fail(`a body over 1 MB got HTTP ${reply.status}, not 413`);
  await ctx.server.whenUp();
  // An empty batch is answered with no outcomes.
  const empty = await ctx.api.postPatiently("sync_entries", { json: { batch: { sent_ms: Date.now(), items: [] } }, cookie: ctx.accounts.worker1.cookie });
  if (empty.status !== 200 || !Array.isArray(empty.json?.outcomes) || empty.json.outcomes.length !== 0) {
    fail(`an empty batch got HTTP ${empty.status}: ${empty.text.slice(0, 200)}`);
  }
}

async function browserTrials() {
  if (BROWSER_TRIALS === 0) return;
  console.log(`[${seconds()} s] Chromium trials`);
  const runner = new BrowserRunner(ctx);
  let failedInARow = 0;
  try {
    for (let i = 0; i < BROWSER_TRIALS; i++) {
      const trial = ++trialsRun;
      try {
        await runner.run(trial, i);
        failedInARow = 0;
      } catch (error) {
        fail(`browser trial ${trial} (${ctx.ledger.trials.get(trial)?.faults.join(", ") ?? "?"}): ${firstLine(error)}`);
        if (++failedInARow >= 5) throw new Error("five Chromium trials in a row failed; giving up on them");
      }
      await checkTrial(trial);
      progress(i + 1, BROWSER_TRIALS, "Chromium");
    }
  } finally {
    await runner.close();
  }
}

async function httpTrials() {
  const count = TRIALS - BROWSER_TRIALS;
  if (count === 0) return;
  console.log(`[${seconds()} s] HTTP trials`);
  for (let i = 0; i < count; i++) {
    const trial = ++trialsRun;
    try {
      await httpTrial(ctx, trial);
    } catch (error) {
      fail(`HTTP trial ${trial} (${ctx.ledger.trials.get(trial)?.faults.join(", ") ?? "?"}): ${firstLine(error)}`);
      await ctx.server.disarm();
      if (!ctx.server.child) await ctx.server.start();
    }
    await checkTrial(trial);
    progress(i + 1, count, "HTTP");
  }
}

/** After each trial: the log against that trial's entries, printed at once if wrong. */
async function checkTrial(trial) {
  const log = await ctx.api.sessionLog(ctx.accounts.coordinator.cookie, ctx.bookingId);
  for (const problem of ctx.ledger.evaluate(log, trial)) {
    found.add(`${problem.type}|${problem.detail}`);
    if (++problemsPrinted > MAX_PRINTED) continue;
    const faults = ctx.ledger.trials.get(problem.trial)?.faults.join(", ") ?? "-";
    console.log(`  trial ${problem.trial} (${faults}): ${problem.type}: ${problem.detail}`);
  }
}

function progress(done, total, what) {
  const step = Math.max(1, Math.ceil(total / 10));
  if (done % step === 0 || done === total) {
    if (Date.now() - lastProgress < 1_000 && done !== total) return;
    lastProgress = Date.now();
    console.log(`[${seconds()} s] ${what} ${done}/${total}`);
  }
}

function firstLine(error) {
  return String(error?.message ?? error)
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .slice(0, 3)
    .join(" / ");
}

/** The breakdown per fault kind, the other checks, and the elapsed time. */
function report(problems, log) {
  const s = ctx.stats;
  const perFault = new Map([...BROWSER_FAULTS.map((f) => `chromium:${f}`), ...HTTP_FAULTS.map((f) => `http:${f}`)].map((k) => [k, { trials: 0, lost: 0, duplicated: 0, misattributed: 0 }]));
  for (const { mode, faults } of ctx.ledger.trials.values()) {
    for (const fault of faults) perFault.get(`${mode === "browser" ? "chromium" : "http"}:${fault}`).trials++;
  }
  for (const problem of problems) {
    const trial = ctx.ledger.trials.get(problem.trial);
    for (const fault of trial?.faults ?? []) {
      const row = perFault.get(`${trial.mode === "browser" ? "chromium" : "http"}:${fault}`);
      if (problem.type in row) row[problem.type] += problem.count;
    }
  }
  if (problemsPrinted > MAX_PRINTED) console.log(`  (${problemsPrinted} problems found after trials, the first ${MAX_PRINTED} printed)`);
  const unseen = problems.filter((p) => !found.has(`${p.type}|${p.detail}`));
  for (const problem of unseen.slice(0, MAX_PRINTED)) console.log(`  trial ${problem.trial}: ${problem.type}: ${problem.detail} (found by the final check)`);
  const other = tally(problems);
  if (other.altered) fail(`${other.altered} entries stored with another time or kind than the phone sent`);
  if (other.stored_undecodable) fail(`${other.stored_undecodable} undecodable items were stored`);
  if (s.undecodableRejected !== s.undecodableMade) fail(`${s.undecodableMade} undecodable items made, ${s.undecodableRejected} refused by the server`);
  if (s.wrongAuthorRejected !== s.wrongAuthorSent) fail(`${s.wrongAuthorSent} items sent under the other worker's session, only ${s.wrongAuthorRejected} refused or held`);
  for (const [reason, n] of refusals) console.log(`  honest entries refused ${n} time(s): ${reason}`);

  const kinds = [...perFault]
    .filter(([, row]) => row.trials)
    .map(([kind, row]) => {
      const bad = row.lost + row.duplicated + row.misattributed;
      return `${kind} ${row.trials}${bad ? ` (${row.lost} lost, ${row.duplicated} duplicated, ${row.misattributed} misattributed)` : ""}`;
    });
  const outcomes = Object.entries(s.outcomes).map(([k, v]) => `${v} ${k}`).join(", ");
  const evidence = (point) => `${s.crashEvidence[point].asExpected} of ${s.crashEvidence[point].batches}`;
  console.log(
    `${log.entries.length} entries on the server; ${s.requests} sync requests (${outcomes || "none answered"}), ${s.networkErrors} unanswered; ` +
      `server deaths at before_commit ${server.crashes.before_commit}, after_commit ${server.crashes.after_commit} ` +
      `(the retried batch came back "stored" after ${evidence("before_commit")} HTTP before_commit crashes, "already_stored" after ${evidence("after_commit")} after_commit ones); ` +
      `${server.starts} server starts; wrong-author items refused or held ${s.wrongAuthorRejected}/${s.wrongAuthorSent}; undecodable items refused ${s.undecodableRejected}/${s.undecodableMade}; ` +
      `replies dropped ${s.repliesLost}, batches sent twice ${s.duplicateDeliveries}; service worker upgrades ${s.swUpgrades}; "Sync now" taps ${s.syncNowTaps}`,
  );
  console.log(`elapsed ${seconds()} s; trials per fault: ${kinds.join(", ")}`);
}
