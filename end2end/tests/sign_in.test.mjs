// Signing in as each role on a phone, seeing that role's page, signing out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, phonePage, ownProfilePhone, watchForProblems, signIn, hydrated, assertPhoneFriendly, chooseOwnPassword, SCREENSHOTS, DEMO_ROLES, DEMO_PASSWORD, BASE_URL } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


/** The page chunks (`split_<name>_…`) and shared chunks a context fetches, service worker included. */
function chunksFetched(context) {
  const fetched = new Set();
  context.on("request", (request) => {
    const file = new URL(request.url()).pathname.split("/").pop();
    const split = /^split_([a-z_]+?)_\d+/.exec(file);
    if (split) fetched.add(split[1]);
    else if (file.startsWith("chunk_")) fetched.add("shared chunk");
  });
  return fetched;
}

for (const who of DEMO_ROLES) {
  test(`${who.role} signs in, lands on their page, and signs out`, async () => {
    const { context, page, problems } = await phonePage(browser);
    const chunks = chunksFetched(context);
    try {
      await page.goto("/");
      await page.waitForURL("**/sign-in");
      await signIn(page, who.username);
      await page.waitForURL(`**${who.path}`);
      await page.getByRole("heading", { name: who.heading, level: 1 }).waitFor();
      // Opened afresh, the role's page is rendered by the server and then
      // hydrated with its chunk.
      await page.reload();
      await hydrated(page);
      await page.getByRole("heading", { name: who.heading, level: 1 }).waitFor();
      if (who.username === "worker1") {
        const session = page.locator("a.session-link").first();
        await session.click();
        await page.waitForURL("**/worker/sessions/*");
        await page.locator("section.session-controls").waitFor();
      }
      assert.deepEqual(
        [...chunks].filter((name) => name !== "shared chunk").sort(),
        who.pages,
        "a phone downloads its own role's pages and no other's",
      );
      if (who.pages.length === 0) assert.deepEqual([...chunks], [], "a worker's phone fetches no chunk at all");
      const header = page.locator("header.top-bar");
      await header.getByText(who.name, { exact: true }).waitFor();
      await header.getByText(who.role, { exact: true }).waitFor();
      await assertPhoneFriendly(page);
      await page.screenshot({ path: `${SCREENSHOTS}${who.username}.png`, fullPage: true });

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/sign-in");
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      assert.equal(await header.getByText(who.name).count(), 0, "the name must be gone after sign-out");

      // The session is over on the server too: the role page sends us back.
      await page.goto(who.path);
      await page.waitForURL("**/sign-in");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test("a wrong password shows an error and stays on the sign-in page", async () => {
  const { context, page } = await phonePage(browser);
  try {
    await signIn(page, "worker1", "not-my-password");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.textContent(), /do not match/);
    assert.ok(page.url().endsWith("/sign-in"));
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}wrong-password.png`, fullPage: true });
  } finally {
    await context.close();
  }
});

test("a coordinator creates an account on the phone and that person signs in", async () => {
  const { context, page, problems } = await phonePage(browser);
  try {
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    await hydrated(page);
    const form = page.locator("#new-account");
    await form.getByLabel("Full name").fill("Dana Fox");
    await form.getByLabel("Username").fill("dana.fox");
    await form.getByLabel("Role").selectOption("worker");
    await form.getByLabel("Temporary password").fill("dana-first-pass");
    await form.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("status").filter({ hasText: "Account created" }).waitFor();
    await page.locator(".account-name", { hasText: "Dana Fox" }).waitFor();

    // A mistake is named, and nothing is created.
    await form.getByLabel("Username").fill("dana.fox");
    await form.getByLabel("Full name").fill("Dana Again");
    await form.getByLabel("Temporary password").fill("dana-first-pass");
    await form.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("alert").filter({ hasText: "already taken" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}coordinator-accounts.png`, fullPage: true });

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    // Dana's first sign-in: she must choose her own password first.
    await signIn(page, "dana.fox", "dana-first-pass");
    await page.waitForURL("**/password");
    await hydrated(page);
    // She is told who set it: a reset by someone else is never hidden.
    await page.getByTestId("password-history").filter({ hasText: "Last set for you by Morgan Ellis" }).waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}choose-own-password.png`, fullPage: true });
    await page.getByLabel("Current password").fill("dana-first-pass");
    await page.getByLabel("New password", { exact: true }).fill("dana chooses this");
    await page.getByLabel("New password again").fill("dana chooses another");
    await page.getByRole("button", { name: "Save my password" }).click();
    await page.getByRole("alert").filter({ hasText: "not the same" }).waitFor();
    await chooseOwnPassword(page, "dana-first-pass", "dana chooses this");
    await page.waitForURL("**/worker");
    await page.locator("header.top-bar").getByText("Dana Fox").waitFor();
    assert.equal(await page.getByRole("link", { name: "Records and reports to co-sign" }).count(), 0, "not senior yet");

    // The coordinator marks Dana as senior: she may now co-sign others' records.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    await hydrated(page);
    const dana = page.locator(".list-item.account", { hasText: "Dana Fox" });
    await dana.getByRole("button", { name: "Mark as senior (may co-sign)" }).click();
    await dana.getByText("Senior: co-signs").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await signIn(page, "dana.fox", "dana chooses this");
    await page.waitForURL("**/worker");
    await page.getByRole("link", { name: "Records and reports to co-sign" }).click();
    await page.waitForURL("**/worker/cosign");
    await page.getByRole("heading", { name: "Records to co-sign" }).waitFor();
    await page.getByRole("heading", { name: "Final reports to co-sign" }).waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}senior-worker-cosign.png`, fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("what a person types before the page has fully loaded is kept, and used", async () => {
  // On a slow phone a form shows seconds before the bundle takes the page
  // over, and people type into it. Here the bundle is held back until the
  // typing is done: a new worker chooses their own password.
  const origin = { Origin: new URL(BASE_URL).origin };
  const desk = await phonePage(browser);
  const { context, page, problems } = await phonePage(browser);
  try {
    const coordinator = await desk.context.request.post("/api/sign_in", {
      form: { username: "coordinator", password: DEMO_PASSWORD },
      headers: origin,
    });
    assert.ok(coordinator.ok(), `coordinator signed in: ${coordinator.status()}`);
    const created = await desk.context.request.post("/api/create_account", {
      form: { username: "early.typist", display_name: "Early Typist", role: "worker", password: "temporary-first" },
      headers: origin,
    });
    assert.ok(created.ok(), `account created: ${created.status()} ${await created.text()}`);
    const answer = await context.request.post("/api/sign_in", {
      form: { username: "early.typist", password: "temporary-first" },
      headers: origin,
    });
    assert.ok(answer.ok(), `signed in: ${answer.status()}`);

    let release;
    const released = new Promise((resolve) => (release = resolve));
    await page.route(/\.wasm$/, async (route) => {
      await released;
      await route.continue();
    });
    await page.goto("/password");
    await page.getByLabel("Current password").fill("temporary-first");
    await page.getByLabel("New password", { exact: true }).fill("typed before it loaded");
    await page.getByLabel("New password again").fill("typed before it loaded");
    assert.equal(await page.locator("body[data-hydrated]").count(), 0, "typed before the bundle took over");
    release();
    await hydrated(page);
    // The form is in a part of the page hydrated a moment after the rest
    // (it waits for its data): what was typed is there once the page is
    // marked hydrated.
    assert.equal(await page.getByLabel("Current password").inputValue(), "temporary-first");
    assert.equal(await page.getByLabel("New password", { exact: true }).inputValue(), "typed before it loaded");
    await page.getByRole("button", { name: "Save my password" }).click();
    await page.getByRole("status").filter({ hasText: "Your password is changed" }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await desk.context.close();
  }
});

test("the app can be installed: Chromium finds it installable, and the manifest and its icons are served", async () => {
  const profile = mkdtempSync(join(tmpdir(), "ccc-profile-"));
  const context = await ownProfilePhone(profile);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = watchForProblems(page);
  try {
    await page.goto("/sign-in");
    await hydrated(page);
    // Chromium's own verdict (what decides whether a phone offers "Install
    // app"): it needs the manifest, its icons and a service worker that
    // controls the page.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await hydrated(page);
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), "the service worker controls the page");
    const devtools = await context.newCDPSession(page);
    const { installabilityErrors } = await devtools.send("Page.getInstallabilityErrors");
    assert.deepEqual(
      installabilityErrors.map((e) => `${e.errorId} ${e.errorArguments.map((a) => `${a.name}=${a.value}`).join(" ")}`),
      [],
      "Chromium's installability errors",
    );
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    const manifest = await (await page.request.get(href)).json();
    assert.equal(manifest.display, "standalone");
    assert.ok(manifest.short_name);
    const sizes = manifest.icons.map((icon) => icon.sizes).sort();
    assert.deepEqual(sizes, ["192x192", "512x512"]);
    for (const icon of manifest.icons) {
      const response = await page.request.get(icon.src);
      assert.equal(response.status(), 200, icon.src);
      assert.equal(response.headers()["content-type"], "image/png");
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
