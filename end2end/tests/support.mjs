// Shared by the specs: Debian's Chromium, headless, at a phone's viewport,
// against the server the test script started (E2E_BASE_URL).
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import assert from "node:assert/strict";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3900";
export const PHONE = { width: 390, height: 844 };
export const DEMO_PASSWORD = "contact-demo";
export const SCREENSHOTS = new URL("../screenshots/", import.meta.url).pathname;
// The demo centre's people, one per role, and where each lands. `pages`:
// the chunk of pages (see app/src/routes.rs) the role's phone downloads; a
// worker's pages are all in the main bundle.
export const DEMO_ROLES = [
  { username: "coordinator", name: "Morgan Ellis", role: "Coordinator", path: "/coordinator", heading: "Centre", pages: ["back_office"] },
  { username: "worker1", name: "Priya Shah", role: "Contact worker", path: "/worker", heading: "Your sessions", pages: [] },
  { username: "visiting", name: "Ryan Collins", role: "Parent", path: "/parent", heading: "Your family", pages: ["family"] },
  { username: "referrer", name: "Helen Ward (Cafcass)", role: "Referrer", path: "/referrer", heading: "Your cases", pages: ["portal"] },
];
mkdirSync(SCREENSHOTS, { recursive: true });

const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
  ],
};
const PHONE_CONTEXT = { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export async function launch() {
  return chromium.launch(CHROMIUM);
}

/**
 * A phone's browser with a profile on disk (`folder`), as a person's own
 * browser is: Chromium offers to install an app only outside incognito, and
 * every context of `launch()` is incognito.
 */
export async function ownProfilePhone(folder, baseURL = BASE_URL) {
  return chromium.launchPersistentContext(folder, { ...CHROMIUM, ...PHONE_CONTEXT, baseURL });
}

export async function phonePage(browser, baseURL = BASE_URL) {
  const context = await browser.newContext({ ...PHONE_CONTEXT, baseURL });
  // Anything the Content-Security-Policy blocks fails the spec: Chromium
  // logs "Refused to ..." (kept by the console filter below), and this
  // listener names the directive too, in every page and frame.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
    });
  });
  const page = await context.newPage();
  return { context, page, problems: watchForProblems(page) };
}

/**
 * What the spec fails on, collected as the page runs: page errors, console
 * errors (CSP refusals included), and any 5xx from the server.
 */
export function watchForProblems(page) {
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A 4xx the app answers on purpose (a refused form) is logged by the
    // browser as a failed resource; that is not a fault of the page.
    // CSP refusals ("Refused to ...") are errors and are not filtered.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  // A 4xx can be the app answering a refused form; a 5xx from the server
  // never is (the browser's "Failed to load resource" line, filtered above,
  // would otherwise hide it).
  page.on("response", (response) => {
    if (response.status() >= 500 && !response.fromServiceWorker()) {
      problems.push(`server error ${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

/** Waits until the WebAssembly bundle has taken over the page. */
export async function hydrated(page) {
  await page.waitForSelector("body[data-hydrated]", { timeout: 20_000 });
}

export async function signIn(page, username, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * The first sign-in with a temporary password a coordinator set: the app
 * sends the person to choose their own, and then on to their page.
 */
export async function chooseOwnPassword(page, temporary, own) {
  await page.waitForURL("**/password");
  await hydrated(page);
  await page.getByRole("status").filter({ hasText: "The centre set this password for you" }).waitFor();
  await page.getByLabel("Current password").fill(temporary);
  await page.getByLabel("New password", { exact: true }).fill(own);
  await page.getByLabel("New password again").fill(own);
  await page.getByRole("button", { name: "Save my password" }).click();
  await page.getByRole("status").filter({ hasText: "Your password is changed" }).waitFor();
  await page.getByRole("link", { name: "Go on" }).click();
}

/** axe-core's script, run inside each page the specs check. */
const AXE = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/**
 * Fails on any serious or critical accessibility problem axe-core finds in
 * the page as it stands (WCAG 2.1 A and AA rules, and best practices).
 */
export async function assertAccessible(page) {
  // Evaluated through the browser's debugging protocol, which the page's
  // Content-Security-Policy does not govern; the page itself gains nothing.
  await page.evaluate(`${AXE}\n;0`);
  const problems = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    return results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  assert.deepEqual(problems, [], `accessibility problems on ${page.url()}`);
}

/**
 * Fails when the page scrolls sideways, a control is too small for a thumb,
 * text is too small to read, or axe-core finds a serious accessibility
 * problem.
 */
export async function assertPhoneFriendly(page) {
  const layout = await page.evaluate(() => {
    const tooSmall = [];
    for (const element of document.querySelectorAll("a, button, input, select, summary, textarea")) {
      // A checkbox is tapped through its label, which is what must be big enough.
      const target = ["checkbox", "radio"].includes(element.type) && element.closest("label") ? element.closest("label") : element;
      const box = target.getBoundingClientRect();
      const hidden = box.width === 0 || box.height === 0 || element.type === "hidden";
      if (!hidden && box.height < 44) tooSmall.push(`${element.tagName} "${element.textContent.trim() || element.name}" ${Math.round(box.height)}px`);
    }
    // Text squeezed into a column a few letters wide (a heading beside a
    // long badge, say) is unreadable though nothing scrolls sideways.
    const squeezed = [];
    for (const element of document.querySelectorAll("body *")) {
      const text = [...element.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(" ");
      const box = element.getBoundingClientRect();
      if (text.length >= 12 && box.width > 0 && box.width < 64) squeezed.push(`${element.tagName} "${text.slice(0, 40)}" ${Math.round(box.width)}px wide`);
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      tooSmall,
      squeezed,
      smallestFont: Math.min(
        ...[...document.querySelectorAll("body *")]
          .filter((e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
          .map((e) => parseFloat(getComputedStyle(e).fontSize)),
      ),
    };
  });
  assert.ok(layout.scrollWidth <= layout.innerWidth, `page scrolls sideways: ${layout.scrollWidth} > ${layout.innerWidth}`);
  assert.deepEqual(layout.tooSmall, [], "touch targets under 44px");
  assert.deepEqual(layout.squeezed, [], "text squeezed into a narrow column");
  assert.ok(layout.smallestFont >= 14, `text as small as ${layout.smallestFont}px`);
  await assertAccessible(page);
  await assertKeyboardReachable(page);
}

/**
 * Every visible control on the page can be reached with the Tab key alone
 * (a keyboard or switch user's way through the page): Tab is pressed from
 * the top until every control has had the focus or the page has been gone
 * through once. Native controls then work by Enter and Space.
 */
export async function assertKeyboardReachable(page) {
  const count = await page.evaluate(() => {
    // checkVisibility also leaves out what a closed <details> hides.
    const visible = (el) => el.checkVisibility({ visibilityProperty: true });
    const controls = [...document.querySelectorAll("a[href], button, input, select, textarea, summary")].filter(
      (el) => !el.disabled && el.type !== "hidden" && visible(el),
    );
    controls.forEach((el, n) => el.setAttribute("data-keyboard-check", String(n)));
    document.activeElement?.blur();
    window.scrollTo(0, 0);
    return controls.length;
  });
  const reached = new Set();
  for (let press = 0; press < 2 * count + 10 && reached.size < count; press++) {
    await page.keyboard.press("Tab");
    const mark = await page.evaluate(() => document.activeElement?.getAttribute("data-keyboard-check") ?? null);
    if (mark !== null) reached.add(mark);
  }
  const missed = await page.evaluate((reached) => {
    const marked = [...document.querySelectorAll("[data-keyboard-check]")];
    const missed = marked
      .filter((el) => !reached.includes(el.getAttribute("data-keyboard-check")))
      .map((el) => el.outerHTML.slice(0, 120));
    marked.forEach((el) => el.removeAttribute("data-keyboard-check"));
    document.activeElement?.blur();
    window.scrollTo(0, 0);
    return missed;
  }, [...reached]);
  assert.deepEqual(missed, [], "controls the Tab key never reaches");
}

/**
 * A server of the spec's own, which it can stop and start again on the same
 * port and data folder (the same origin for the browser, the same database):
 * the honest way to take the network away, service worker included.
 */
export async function ownServer({ clock, mail = false } = {}) {
  const { spawn } = await import("node:child_process");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const net = await import("node:net");
  const bin = process.env.E2E_SERVER_BIN ?? `${process.env.HOME}/.cache/contact-centre/target/release/contact-centre`;
  const siteRoot = process.env.E2E_SITE_ROOT ?? new URL("../../target/site", import.meta.url).pathname;
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const data = mkdtempSync(join(tmpdir(), "ccc-e2e-"));
  const url = `http://127.0.0.1:${port}`;
  let child = null;
  // A real SMTP server of the spec's own (aiosmtpd), keeping each message
  // it takes as a file: what the parents' mailboxes would receive.
  let mailEnv = {};
  if (mail) {
    const smtpPort = await new Promise((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
    });
    const sink = spawn("python3", ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${smtpPort}`, "-c", "aiosmtpd.handlers.Mailbox", join(data, "Maildir")], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    // Not a reason for the test process to stay: stopped when it ends.
    sink.unref();
    process.on("exit", () => sink.kill());
    for (let i = 0; i < 100; i++) {
      const open = await new Promise((resolve) => {
        const socket = net.connect(smtpPort, "127.0.0.1", () => { socket.end(); resolve(true); });
        socket.on("error", () => resolve(false));
      });
      if (open) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    mailEnv = {
      CCC_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      CCC_MAIL_FROM: "Riverside Child Contact Centre <bookings@riverside.example>",
      CCC_CENTRE_NAME: "Riverside Child Contact Centre",
      CCC_DELIVERY_POLL_SECONDS: "1",
    };
  }
  const server = {
    url,
    /**
     * Starts the server on the same port and data. `clock` (London time,
     * "2031-01-06 09:00") sets the demo server's clock to that time now,
     * running on from there: a later start skips days of a case.
     */
    async start({ clock } = {}) {
      child = spawn(bin, [], {
        env: {
          ...process.env,
          LEPTOS_ENV: "PROD",
          LEPTOS_SITE_ROOT: siteRoot,
          CCC_DEMO: "true",
          CCC_DATA_DIR: data,
          CCC_ADDR: `127.0.0.1:${port}`,
          CCC_LOG: "warn",
          ...(clock ? { CCC_DEMO_CLOCK: clock } : {}),
          ...mailEnv,
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      for (let i = 0; i < 200; i++) {
        try {
          const reply = await fetch(`${url}/sign-in`);
          if (reply.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the server on ${url} did not start`);
    },
    /** Every email the server has sent, as text (quoted-printable undone). */
    async mail() {
      const { readdirSync, readFileSync, existsSync } = await import("node:fs");
      const folder = join(data, "Maildir", "new");
      if (!existsSync(folder)) return [];
      return readdirSync(folder).map((name) =>
        readFileSync(join(folder, name), "utf8")
          .replace(/=\r?\n/g, "")
          .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
      );
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      child = null;
    },
  };
  await server.start({ clock });
  return server;
}

/** Waits until the service worker controls the page and has kept `path`. */
export async function keptForOffline(page, path) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(async (wanted) => {
    for (const name of await caches.keys()) {
      if (name.startsWith("pages-") && (await (await caches.open(name)).match(wanted))) return true;
    }
    return false;
  }, path, { timeout: 20_000, polling: 200 });
}

/** The number the sync bar shows as not yet synced, once it equals `expected`. */
export async function waitForUnsynced(page, expected, timeout = 20_000) {
  await page.waitForFunction(
    (n) => document.querySelector("[data-testid=unsynced]")?.textContent.trim() === String(n),
    expected,
    { timeout },
  );
}

/**
 * In session mode: ends the session and, once the server has the "ended"
 * entry (the link shows when it is saved on the phone and counted as
 * unsynced; the count returns to 0 when the server has it), opens the
 * record to complete and sign.
 */
export async function endSessionAndOpenRecord(page) {
  await page.getByRole("button", { name: "End session" }).click();
  await page.getByRole("link", { name: "Complete and sign the record" }).waitFor();
  await waitForUnsynced(page, 0);
  await page.getByRole("link", { name: "Complete and sign the record" }).click();
}

/**
 * As worker1: runs the demo's session of today (FAM-0002) on the phone,
 * logs one "Play" observation with `text`, ends it and opens its record.
 */
export async function runTodaysSessionToItsRecord(page, text) {
  await signIn(page, "worker1");
  await page.waitForURL("**/worker");
  await page.locator("a.session-link", { hasText: "FAM-0002" }).click();
  await page.getByRole("button", { name: "Start session" }).click();
  await page.getByRole("group", { name: "Category" }).getByRole("button", { name: "Play", exact: true }).click();
  await page.getByLabel("What happened").fill(text);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
  await endSessionAndOpenRecord(page);
}

/**
 * The coordinator's "new account" form on their home page; a parent's
 * account is linked to `caseReference` as the `side` parent. Waits until
 * the account is listed.
 */
export async function createAccount(page, { name, username, role, password, caseReference, side }) {
  const form = page.locator("#new-account");
  await form.getByLabel("Full name").fill(name);
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Role").selectOption(role);
  await form.getByLabel("Temporary password").fill(password);
  if (caseReference) {
    await form.getByLabel("Case reference (optional)").fill(caseReference);
    await form.getByLabel("Parent is the").selectOption(side);
  }
  await form.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("status").filter({ hasText: "Account created" }).waitFor();
  await page.locator(".account-name", { hasText: name }).waitFor();
}

/** Signs in as worker1 and opens the demo's session in progress (FAM-0002), once the page is kept for offline use; returns its path. */
export async function openTodaysSession(page) {
  await signIn(page, "worker1");
  await page.waitForURL("**/worker");
  const link = page.locator("a.session-link", { hasText: "FAM-0002" });
  await link.waitFor();
  const path = await link.getAttribute("href");
  await keptForOffline(page, path);
  await link.click();
  await page.waitForURL(`**${path}`);
  await page.getByRole("heading", { name: /FAM-0002/ }).waitFor();
  return path;
}

// Downloads what clicking `link` on `page` sends as a file, and reads it as
// a PDF reader would (Mozilla's PDF.js): the text of each page.
export async function downloadPdfText(page, link) {
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const file = await download.path();
  // Kept beside the screenshots, to look at.
  await download.saveAs(`${SCREENSHOTS}${download.suggestedFilename()}`);
  const { readFile } = await import("node:fs/promises");
  const bytes = new Uint8Array(await readFile(file));
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const pdf = await pdfjs.getDocument({ data: bytes, useSystemFonts: true }).promise;
  const pages = [];
  for (let at = 1; at <= pdf.numPages; at++) {
    const content = await (await pdf.getPage(at)).getTextContent();
    pages.push(content.items.map((item) => item.str).join("\n"));
  }
  return { name: download.suggestedFilename(), pages };
}
