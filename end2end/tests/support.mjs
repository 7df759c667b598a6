// Shared by the specs: Debian's Chromium, headless, at a phone's viewport,
// against the server the test script started (E2E_BASE_URL).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3900";
export const PHONE = { width: 390, height: 844 };
export const DEMO_PASSWORD = "contact-demo";
export const SCREENSHOTS = new URL("../screenshots/", import.meta.url).pathname;
mkdirSync(SCREENSHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
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
  });
}

export async function phonePage(browser) {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    baseURL: BASE_URL,
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A 4xx the app answers on purpose (a refused form) is logged by the
    // browser as a failed resource; that is not a fault of the page.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { context, page, problems };
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

/** Fails when the page scrolls sideways or a control is too small for a thumb. */
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
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      tooSmall,
      smallestFont: Math.min(
        ...[...document.querySelectorAll("body *")]
          .filter((e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
          .map((e) => parseFloat(getComputedStyle(e).fontSize)),
      ),
    };
  });
  assert.ok(layout.scrollWidth <= layout.innerWidth, `page scrolls sideways: ${layout.scrollWidth} > ${layout.innerWidth}`);
  assert.deepEqual(layout.tooSmall, [], "touch targets under 44px");
  assert.ok(layout.smallestFont >= 14, `text as small as ${layout.smallestFont}px`);
}
