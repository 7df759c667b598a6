// The server functions the harness calls, over plain HTTP as a phone would.
// Server functions take form-encoded bodies unless they are `input = Json`
// (sync_entries). No Origin header is sent: the guard lets such requests
// through (it refuses only cross-site ones).
import { sleep } from "./random.mjs";

export const DEMO_PASSWORD = "contact-demo";

export class Api {
  constructor(server) {
    this.server = server;
  }

  /**
   * One POST to /api/<name>. Resolves with { status, text, json, headers },
   * or with { network } when there was no answer (refused, reset, timeout):
   * a dead server, which the phone treats as "try again later".
   */
  async post(name, { form, json, body, cookie, timeoutMs = 20_000 } = {}) {
    const headers = { accept: "application/json" };
    let payload;
    if (json !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(json);
    } else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = body;
    } else {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(form ?? {}).toString();
    }
    if (cookie) headers.cookie = cookie;
    try {
      const response = await fetch(`${this.server.url}/api/${name}`, {
        method: "POST",
        headers,
        body: payload,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let parsed = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (an error page, or empty)
      }
      return { status: response.status, text, json: parsed, headers: response.headers };
    } catch (error) {
      const cause = error.cause ?? error;
      return { network: `${cause.code ?? cause.name ?? "error"}: ${cause.message ?? error.message}` };
    }
  }

  /** Like post, but waits for the server to come back while it is down. */
  async postPatiently(name, options, what = name) {
    for (let attempt = 1; ; attempt++) {
      const reply = await this.post(name, options);
      if (!reply.network) return reply;
      if (attempt >= 80) throw new Error(`${what}: no answer from the server after ${attempt} tries (${reply.network})`);
      await this.server.whenUp();
      await sleep(Math.min(25 * attempt, 500));
    }
  }

  /** Signs in; returns the session cookie as "name=value". */
  async signIn(username, password = DEMO_PASSWORD) {
    const reply = await this.postPatiently("sign_in", { form: { username, password } }, `sign in as ${username}`);
    if (reply.status >= 400) throw new Error(`sign in as ${username}: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
    const cookie = reply.headers
      .getSetCookie()
      .map((line) => line.split(";")[0].trim())
      .find((pair) => /^[^=]+=.+/.test(pair));
    if (!cookie) throw new Error(`sign in as ${username}: no session cookie in the reply`);
    return cookie;
  }

  async mySessions(cookie) {
    const reply = await this.postPatiently("my_sessions", { form: {}, cookie });
    if (reply.status !== 200 || !reply.json) throw new Error(`my_sessions: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
    return reply.json;
  }

  /** Every stored entry of a session (as the coordinator). */
  async sessionLog(cookie, bookingId) {
    const reply = await this.postPatiently("session_log", { form: { booking_id: String(bookingId) }, cookie, timeoutMs: 60_000 });
    if (reply.status !== 200 || !reply.json?.entries) {
      throw new Error(`session_log: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
    }
    return reply.json;
  }

  /** One batch to sync_entries, stamped with the phone's clock. Not retried here. */
  syncEntries(cookie, sentMs, items) {
    return this.post("sync_entries", { json: { batch: { sent_ms: sentMs, items } }, cookie });
  }
}
