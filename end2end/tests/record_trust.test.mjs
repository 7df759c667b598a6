// A record a court can rely on, as people meet it: Priya signs the record
// alone; Tom's phone, still holding a safeguarding concern from the session,
// syncs afterwards. The concern is kept (received after signing), reaches
// the coordinator at once, and the record shows what each signature binds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, phonePage, signIn, assertPhoneFriendly, ownServer, waitForUnsynced, endSessionAndOpenRecord, SCREENSHOTS } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("a concern synced after the record was signed is kept, flagged and shown apart from what was signed", async () => {
  const server = await ownServer();
  const priya = await phonePage(browser, server.url);
  const tom = await phonePage(browser, server.url);
  const desk = await phonePage(browser, server.url);
  try {
    // Tom opens the session on his phone, then loses signal.
    await signIn(tom.page, "worker2");
    await tom.page.waitForURL("**/worker");
    await tom.page.locator("a.session-link", { hasText: "FAM-0002" }).click();
    await tom.page.getByRole("heading", { name: /FAM-0002/ }).waitFor();
    await tom.context.route("**/api/sync_entries", (route) => route.abort("internetdisconnected"));

    // Priya runs the session, ends it and signs the record alone.
    const page = priya.page;
    await signIn(page, "worker1");
    await page.waitForURL("**/worker");
    await page.locator("a.session-link", { hasText: "FAM-0002" }).click();
    await page.getByRole("button", { name: "Start session" }).click();
    await page.getByRole("group", { name: "Category" }).getByRole("button", { name: "Play", exact: true }).click();
    await page.getByLabel("What happened").fill("Ava and her dad played snap");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();

    // Meanwhile Tom logs a concern; it waits on his phone.
    await tom.page.getByRole("group", { name: "Category" }).getByRole("button", { name: "Safeguarding concern", exact: true }).click();
    await tom.page.getByLabel("What happened").fill("Dad whispered an address to Ava");
    await tom.page.getByRole("button", { name: "Save", exact: true }).click();
    await tom.page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
    await waitForUnsynced(tom.page, 1);

    await endSessionAndOpenRecord(page);
    await page.getByLabel("How the session went").fill("A calm session.");
    await page.getByLabel("If your co-worker will not sign, say why").fill("Tom was called to another room.");
    await page.getByLabel("Your password").fill("contact-demo");
    await page.getByRole("button", { name: "Sign", exact: true }).click();
    await page.locator(".record-head .badge").filter({ hasText: "Signed, waiting for co-signature" }).waitFor();

    // Tom's signal returns: the concern is stored, not refused.
    await tom.context.unroute("**/api/sync_entries");
    await tom.page.getByRole("button", { name: "Sync now" }).click();
    await waitForUnsynced(tom.page, 0);
    assert.equal(await tom.page.locator(".sync-bar .error-note").count(), 0, "nothing refused");

    // The coordinator sees it at once, flagged, and the record keeps it
    // apart from what Priya signed.
    await signIn(desk.page, "coordinator");
    await desk.page.waitForURL("**/coordinator");
    const concern = desk.page.locator(".concerns .list-item", { hasText: "Dad whispered an address to Ava" });
    await concern.getByText("Received after the record was signed").waitFor();
    await assertPhoneFriendly(desk.page);
    await desk.page.screenshot({ path: `${SCREENSHOTS}concern-after-signing.png`, fullPage: true });
    // Opened as a coordinator does, from the co-signing queue.
    await desk.page.getByTestId("cosign-count").click();
    await desk.page.locator(".record-due", { hasText: "FAM-0002" }).locator("a").click();
    const late = desk.page.getByTestId("late-entries");
    await late.getByText("Safeguarding concern · Dad whispered an address to Ava").waitFor();
    await late.getByText(/Dated .* by the phone · received /).waitFor();
    await desk.page
      .getByTestId("signature")
      .getByText(/Priya Shah signed exactly this text and the \d+ entries above it \(fingerprint [0-9a-f]{12}\)/)
      .waitFor();
    await assertPhoneFriendly(desk.page);
    await desk.page.screenshot({ path: `${SCREENSHOTS}record-late-entry.png`, fullPage: true });

    assert.deepEqual([...priya.problems, ...desk.problems], []);
  } finally {
    await priya.context.close();
    await tom.context.close();
    await desk.context.close();
    await server.stop();
  }
});

test("once a worker signs, the words are fixed: the co-worker signs them as they are or asks for a new version", async () => {
  const server = await ownServer();
  const priya = await phonePage(browser, server.url);
  const tom = await phonePage(browser, server.url);
  try {
    const page = priya.page;
    await signIn(page, "worker1");
    await page.waitForURL("**/worker");
    await page.locator("a.session-link", { hasText: "FAM-0002" }).click();
    await page.getByRole("button", { name: "Start session" }).click();
    await endSessionAndOpenRecord(page);
    await page.getByLabel("How the session went").fill("A calm session.");
    await page.getByLabel("Your password").fill("contact-demo");
    await page.getByRole("button", { name: "Sign", exact: true }).click();
    await page.getByText("Signed by you. The record is complete once your co-worker signs too.").waitFor();
    // Tom opens the record from his list of records to sign: Priya's words
    // are fixed.
    await signIn(tom.page, "worker2");
    await tom.page.waitForURL("**/worker");
    await tom.page.locator(".records-to-sign .record-due", { hasText: "FAM-0002" }).locator("a").click();
    await tom.page.getByTestId("fixed-text").filter({ hasText: "Priya Shah signed these words" }).waitFor();
    assert.equal(await tom.page.getByLabel("How the session went").getAttribute("readonly"), "", "read-only");
    assert.equal(await tom.page.getByRole("button", { name: "Save without signing" }).count(), 0);
    await assertPhoneFriendly(tom.page);
    await tom.page.screenshot({ path: `${SCREENSHOTS}record-words-fixed.png`, fullPage: true });

    // He disagrees, and asks for changes: a new version opens for both.
    await tom.page.getByLabel("What should change").fill("Ava asked to leave early: say so.");
    await tom.page.getByRole("button", { name: "Ask for changes" }).click();
    // The page reads the record again: version 2, open for both to sign.
    await tom.page.getByText("Tom Barker asked for changes: Ava asked to leave early: say so.").waitFor();
    await tom.page.getByTestId("fixed-text").waitFor({ state: "detached" });
    await tom.page.getByLabel("How the session went").fill("A calm session; Ava asked to leave at 10:50.");
    await tom.page.getByLabel("Your password").fill("contact-demo");
    await tom.page.getByRole("button", { name: "Sign", exact: true }).click();
    await tom.page.getByText("Signed by you. The record is complete once your co-worker signs too.").waitFor();

    // Priya's signature was on version 1: the record is back on her list,
    // with Tom's words to sign.
    await page.getByRole("link", { name: "‹ Your sessions" }).click();
    await page.locator(".records-to-sign .record-due", { hasText: "FAM-0002" }).locator("a").click();
    await page.getByTestId("fixed-text").filter({ hasText: "Tom Barker signed these words" }).waitFor();
    assert.equal(await page.getByLabel("How the session went").inputValue(), "A calm session; Ava asked to leave at 10:50.");
    assert.deepEqual([...priya.problems, ...tom.problems], []);
  } finally {
    await priya.context.close();
    await tom.context.close();
    await server.stop();
  }
});
