// Data protection as the centre meets it: the coordinator closes a case
// with a reason and puts it on legal hold; a record co-signed after closure
// never reaches the referrer; a subject access export for the resident
// parent carries nothing of the visiting parent's contact details; the
// retention schedule is set on the settings page; the privacy notice is one
// tap from the sign-in page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launch, phonePage, signIn, hydrated, assertPhoneFriendly, ownServer, runTodaysSessionToItsRecord, SCREENSHOTS, DEMO_PASSWORD } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("a closed case's referrer never receives a record released after closure", async () => {
  const server = await ownServer();
  const worker = await phonePage(browser, server.url);
  const coordinator = await phonePage(browser, server.url);
  const referrer = await phonePage(browser, server.url);
  try {
    // The worker runs today's session of FAM-0002 and signs its record.
    const page = worker.page;
    await runTodaysSessionToItsRecord(page, "Ava and her dad read a story");
    await page.getByLabel("How the session went").fill("A quiet, happy session.");
    await page.getByLabel("If your co-worker will not sign, say why").fill("Tom was called to another session.");
    await page.getByLabel("Your password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign", exact: true }).click();
    await page.locator(".record-head .badge").filter({ hasText: "Signed, waiting for co-signature" }).waitFor();
    const recordId = new URL(page.url()).pathname.match(/^\/worker\/records\/(\d+)/)[1];

    // The referrer of FAM-0002 has nothing of it yet: not released.
    const reader = referrer.page;
    await signIn(reader, "referrer");
    await reader.waitForURL("**/referrer");
    assert.equal(await reader.locator(`a[href="/referrer/records/${recordId}"]`).count(), 0);

    // The coordinator closes the case, and puts it on legal hold.
    const desk = coordinator.page;
    await signIn(desk, "coordinator");
    await desk.waitForURL("**/coordinator");
    await desk.goto("/coordinator/cases");
    await desk.getByRole("link", { name: "FAM-0002" }).click();
    await desk.waitForURL("**/coordinator/cases/*");
    await hydrated(desk);
    const card = desk.getByTestId("closure");
    await card.getByRole("button", { name: "Close the case" }).click();
    await card.getByText("Choose why the case is closing").waitFor();
    await card.getByLabel("Why the case is closing").selectOption("contact_ended");
    await card.getByLabel("Note (kept on the case, for staff)").fill("Final hearing: contact to continue privately.");
    await card.getByRole("button", { name: "Close the case" }).click();
    await card.getByTestId("closed").filter({ hasText: "Contact ended" }).waitFor();
    await card.getByText(/nothing released after closure reaches them/).waitFor();
    await card.getByText(/Session records and reports/).waitFor();
    assert.equal(await desk.getByRole("button", { name: "Book", exact: true }).count(), 0, "a closed case takes no booking");
    await card.getByLabel("Why the case is held").fill("Court proceedings: appeal listed");
    await card.getByRole("button", { name: "Put on legal hold" }).click();
    await card.getByTestId("hold").filter({ hasText: "Court proceedings: appeal listed" }).waitFor();
    await card.getByText("Kept while the legal hold applies").first().waitFor();
    await assertPhoneFriendly(desk);
    await card.screenshot({ path: `${SCREENSHOTS}case-closed-on-hold.png` });

    // A subject access export for the resident parent: nothing of the
    // visiting parent's name or phone.
    const visiting = (await desk.locator("details p", { hasText: "Visiting:" }).textContent()).replace("Visiting: ", "");
    const [visitingName, visitingPhone] = visiting.split(" · ");
    const resident = card.locator(".list-item").filter({ has: desk.getByText("Resident parent", { exact: true }) });
    const [download] = await Promise.all([desk.waitForEvent("download"), resident.getByRole("link", { name: "Readable (HTML)" }).click()]);
    const exported = await readFile(await download.path(), "utf8");
    assert.match(exported, /Resident parent of case FAM-0002/);
    assert.ok(!exported.includes(visitingPhone), "the visiting parent's phone is not in the resident parent's export");
    assert.ok(!exported.includes(visitingName), "nor their name");

    // The record is co-signed after closure: released, but not to the referrer.
    await desk.goto(`/coordinator/records/${recordId}`);
    await hydrated(desk);
    await desk.getByLabel("Your password or signing PIN, to confirm").fill(DEMO_PASSWORD);
    await desk.getByRole("button", { name: "Co-sign and release" }).click();
    await desk.getByText("Co-signed by Morgan Ellis").waitFor();

    await reader.reload();
    await hydrated(reader);
    await reader.getByRole("heading", { name: "Your cases" }).waitFor();
    await reader.getByTestId("case-closed").filter({ hasText: "Closed on" }).waitFor();
    assert.equal(await reader.locator(`a[href="/referrer/records/${recordId}"]`).count(), 0, "not in the referrer's list");
    await reader.goto(`/referrer/records/${recordId}`);
    await hydrated(reader);
    await reader.getByText("was not found").waitFor();
    await assertPhoneFriendly(reader);

    for (const { problems } of [worker, coordinator, referrer]) assert.deepEqual(problems, []);
  } finally {
    await worker.context.close();
    await coordinator.context.close();
    await referrer.context.close();
    await server.stop();
  }
});

test("the retention schedule is set on the settings page and the privacy notice shows it", async () => {
  const server = await ownServer();
  const { context, page, problems } = await phonePage(browser, server.url);
  try {
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    await page.goto("/coordinator/settings");
    await hydrated(page);
    const card = page.locator("#retention");
    await card.getByLabel("Session records and reports, years").fill("8");
    await card.getByRole("button", { name: "Save the schedule" }).click();
    await card.getByText("Saved.").waitFor();
    await card.getByText("Records of processing").click();
    await card.getByText("Kept: 8 years after the case closes").waitFor();
    await assertPhoneFriendly(page);
    await card.screenshot({ path: `${SCREENSHOTS}settings-retention.png` });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");

    await hydrated(page);
    await page.getByRole("link", { name: "How we use your information (privacy notice)" }).click();
    await page.getByRole("heading", { name: "How we use your information" }).waitFor();
    await page.getByRole("heading", { name: "If you are a parent" }).waitFor();
    await page.getByRole("heading", { name: "If you are a referrer" }).waitFor();
    await page.getByText("Kept: 8 years after the case closes").waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}privacy-notice.png`, fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.stop();
  }
});
