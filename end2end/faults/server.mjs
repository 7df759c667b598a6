// The server under test, run by the harness on one port and one data folder
// for the whole run, so that what was stored survives every restart.
//
// - start({ faults }) passes CCC_FAULTS (e.g. "before_commit=1") to that
//   process only; stop() kills it (SIGKILL, like a pulled plug).
// - When the process dies by itself (a CCC_FAULTS abort, or a real crash),
//   it is noted and started again at once without CCC_FAULTS, as an
//   operator's supervisor would: phones see "connection refused" meanwhile.
// - Every start, stop and restart runs one after the other (a small queue),
//   so an automatic restart never races one the harness asked for.
import { spawn } from "node:child_process";
import { openSync, closeSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { sleep } from "./random.mjs";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export class Server {
  constructor({ bin, siteRoot, dataDir, runDir, port }) {
    this.bin = bin;
    this.siteRoot = siteRoot;
    this.dataDir = dataDir;
    this.runDir = runDir;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    mkdirSync(dataDir, { recursive: true });
    this.logPath = join(runDir, "server.log");
    this.logFd = openSync(this.logPath, "a");
    this.child = null;
    this.faults = null;
    this.queue = Promise.resolve();
    // What happened to the processes: deaths while CCC_FAULTS was set, by
    // point, and deaths nobody asked for.
    this.crashes = { before_commit: 0, after_commit: 0 };
    this.unexpectedDeaths = [];
    this.deaths = 0;
    this.starts = 0;
    this.deathWaiters = [];
  }

  /** Runs `step` after every step queued before it. */
  serial(step) {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => {});
    return run;
  }

  start({ faults = null, siteRoot = this.siteRoot } = {}) {
    return this.serial(() => this.startNow(faults, siteRoot));
  }

  stop() {
    return this.serial(() => this.stopNow());
  }

  restart(options = {}) {
    return this.serial(async () => {
      await this.stopNow();
      await this.startNow(options.faults ?? null, options.siteRoot ?? this.siteRoot);
    });
  }

  /** Restarts the server so that its next sync_entries dies at `point`. */
  arm(point) {
    return this.restart({ faults: `${point}=1` });
  }

  /** Back to a server without CCC_FAULTS, if it still has them. */
  disarm() {
    return this.serial(async () => {
      if (this.child && this.faults) {
        await this.stopNow();
        await this.startNow(null, this.siteRoot);
      }
    });
  }

  /** Resolves once every queued start or stop has finished. */
  async whenUp() {
    await this.queue;
  }

  /** Resolves with true at the next death of the process, false after `timeoutMs`. */
  waitForDeath(timeoutMs) {
    return new Promise((resolve) => {
      const waiter = { resolve, timer: setTimeout(() => finish(false), timeoutMs) };
      const finish = (died) => {
        clearTimeout(waiter.timer);
        this.deathWaiters = this.deathWaiters.filter((w) => w !== waiter);
        resolve(died);
      };
      waiter.resolve = finish;
      this.deathWaiters.push(waiter);
    });
  }

  async startNow(faults, siteRoot) {
    if (this.child) return;
    if (!existsSync(this.bin)) throw new Error(`no server binary at ${this.bin} (build it, or set E2E_SERVER_BIN)`);
    const env = {
      ...process.env,
      LEPTOS_ENV: "PROD",
      LEPTOS_SITE_ROOT: siteRoot,
      CCC_DEMO: "true",
      CCC_DATA_DIR: this.dataDir,
      CCC_ADDR: `127.0.0.1:${this.port}`,
      CCC_LOG: "warn",
    };
    delete env.CCC_FAULTS;
    if (faults) env.CCC_FAULTS = faults;
    // `ulimit -c 0`: a deliberate abort must not leave a core file each time;
    // `exec` makes the server itself the child, so killing it kills the server.
    const child = spawn("/bin/sh", ["-c", 'ulimit -c 0; exec "$0"', this.bin], {
      env,
      cwd: this.runDir,
      stdio: ["ignore", this.logFd, this.logFd],
    });
    child.faults = faults;
    child.stopping = false;
    child.starting = true;
    child.gone = new Promise((resolve) => child.once("exit", resolve));
    child.once("exit", (code, signal) => this.exited(child, code, signal));
    this.child = child;
    this.faults = faults;
    this.siteRoot = siteRoot;
    this.starts++;
    const began = Date.now();
    while (Date.now() - began < 30_000) {
      if (this.child !== child) {
        throw new Error(`the server exited while starting; the end of its log:\n${this.logTail()}`);
      }
      try {
        const reply = await fetch(`${this.url}/sign-in`, { signal: AbortSignal.timeout(2_000) });
        await reply.arrayBuffer();
        if (reply.ok) {
          child.starting = false;
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(30);
    }
    throw new Error(`the server on ${this.url} did not answer within 30 s; the end of its log:\n${this.logTail()}`);
  }

  async stopNow() {
    const child = this.child;
    if (!child) return;
    child.stopping = true;
    child.kill("SIGKILL");
    await child.gone;
    this.child = null;
    this.faults = null;
  }

  exited(child, code, signal) {
    if (this.child === child) {
      this.child = null;
      this.faults = null;
    }
    // A death while starting is startNow's to report (it throws).
    if (child.stopping || child.starting) return;
    this.deaths++;
    const point = child.faults?.split("=")[0];
    if (point in this.crashes) this.crashes[point]++;
    else this.unexpectedDeaths.push(`the server died (exit ${code ?? "-"}, signal ${signal ?? "-"}) with no fault armed`);
    for (const waiter of [...this.deathWaiters]) waiter.resolve(true);
    // Back up at once, without faults, on the same port and data folder.
    this.serial(() => this.startNow(null, this.siteRoot)).catch((error) => {
      this.unexpectedDeaths.push(`restarting after a death failed: ${error.message}`);
    });
  }

  logTail(lines = 30) {
    try {
      return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** Kills the server for good (end of the run). */
  async close() {
    await this.stop();
    closeSync(this.logFd);
  }

  /** For process exit: no waiting. */
  killNow() {
    if (this.child) {
      this.child.stopping = true;
      this.child.kill("SIGKILL");
    }
  }
}
