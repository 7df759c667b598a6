// A session record from the phone to the referrer: the worker signs it on a
// phone, the coordinator returns it once and then co-signs it, and the
// referrer reads the released record and its printable view.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, phonePage, signIn, hydrated, assertPhoneFriendly, ownServer, waitForUnsynced, runTodaysSessionToItsRecord, downloadPdfText, SCREENSHOTS, DEMO_PASSWORD } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function signRecord(page, summary) {
  await page.getByLabel("How the session went").fill(summary);
  await page.getByLabel("If your co-worker will not sign, say why").fill("Tom was called to another session.");
  await page.getByLabel("Your password").fill("contact-demo");
  await page.getByRole("button", { name: "Sign", exact: true }).click();
  // Signed: the page now shows the locked record, waiting for co-signature.
  await page.locator(".record-head .badge").filter({ hasText: "Signed, waiting for co-signature" }).waitFor();
  await page.getByRole("heading", { name: "Add an addendum" }).waitFor();
}

test("a worker signs on a phone, the coordinator returns it once and co-signs, the referrer reads it", async () => {
  const server = await ownServer();
  const worker = await phonePage(browser, server.url);
  const coordinator = await phonePage(browser, server.url);
  const referrer = await phonePage(browser, server.url);
  try {
    // The worker runs the session and ends it.
    const page = worker.page;
    await runTodaysSessionToItsRecord(page, "Ava and her dad built a marble run");
    await page.getByRole("heading", { name: "Record · FAM-0002", exact: true }).waitFor();
    await page.getByText(/Sign by .* \(the 2-hour target\)/).waitFor();
    await signRecord(page, "A warm, calm session.");
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}record-signed-by-worker.png`, fullPage: true });

    // The coordinator sees it waiting, returns it once.
    const desk = coordinator.page;
    await signIn(desk, "coordinator");
    await desk.waitForURL("**/coordinator");
    await desk.getByTestId("cosign-count").filter({ hasText: "Records to co-sign (1)" }).waitFor();
    await desk.getByTestId("cosign-count").click();
    const line = desk.locator(".record-due", { hasText: "FAM-0002" });
    await line.getByText("On time").waitFor();
    await assertPhoneFriendly(desk);
    await desk.screenshot({ path: `${SCREENSHOTS}records-cosign-queue.png`, fullPage: true });
    await line.locator("a").click();
    await desk.getByLabel("Or return it to the workers: what needs amending?").fill("Say who brought Ava and who collected her.");
    await desk.getByRole("button", { name: "Return for amendment" }).click();
    await desk.locator(".record-head .badge").filter({ hasText: "Draft" }).waitFor();

    // The worker amends and signs again.
    await page.reload();
    await hydrated(page);
    await page.getByText("Returned for amendment: Say who brought Ava and who collected her.").waitFor();
    await signRecord(page, "A warm, calm session. Ava's mum brought her and collected her.");

    // The coordinator co-signs: the record is released.
    await desk.reload();
    await hydrated(desk);
    await desk.getByLabel("Your password or signing PIN, to confirm").fill(DEMO_PASSWORD);
    await desk.getByRole("button", { name: "Co-sign and release" }).click();
    await desk.getByText("Co-signed by Morgan Ellis").waitFor();
    await desk.getByText("Earlier signed versions").waitFor();

    // The referrer sees it among their records and opens the printable view.
    const reader = referrer.page;
    await signIn(reader, "referrer");
    await reader.waitForURL("**/referrer");
    await reader.locator(".record-due", { hasText: "FAM-0002" }).locator("a").click();
    await reader.getByRole("heading", { name: "Session record · FAM-0002", exact: true }).waitFor();
    await reader.getByText("Ava's mum brought her and collected her.").waitFor();
    await reader.getByText("Ava and her dad built a marble run").waitFor();
    await assertPhoneFriendly(reader);
    await reader.emulateMedia({ media: "print" });
    assert.equal(await reader.locator("header.top-bar").isVisible(), false, "the print view has no app bar");
    assert.equal(await reader.getByRole("button", { name: "Print" }).isVisible(), false);
    await reader.screenshot({ path: `${SCREENSHOTS}record-print-view.png`, fullPage: true });
    await reader.emulateMedia({ media: "screen" });

    // The PDF the server makes, read by a real PDF reader: the record's
    // words, and on every page its verification code and fingerprint.
    const pdf = await downloadPdfText(reader, reader.getByRole("link", { name: "Download PDF" }));
    assert.match(pdf.name, /^session-record-FAM-0002-\d{4}-\d{2}-\d{2}\.pdf$/);
    const text = pdf.pages.join("\n");
    assert.match(text, /Session record · FAM-0002/);
    assert.match(text, /Ava's mum brought her and collected her\./);
    assert.match(text, /Co-signed by Morgan Ellis and released to the referrer on/);
    const footer = /Verification code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}) · Fingerprint ([0-9A-F ]{19})/;
    for (const page of pdf.pages) assert.match(page.replace(/\n/g, " "), footer);
    const [, code, fingerprint] = text.replace(/\n/g, " ").match(footer);

    // Anyone, signed out, checks the code on the public page.
    const stranger = await phonePage(browser, server.url);
    try {
      const check = stranger.page;
      await check.goto("/sign-in");
      await hydrated(check);
      await check.getByRole("link", { name: "Check a document's verification code" }).click();
      await check.getByRole("heading", { name: "Check a document" }).waitFor();
      await hydrated(check);
      await check.getByLabel("Verification code").fill(code.toLowerCase());
      await check.getByRole("button", { name: "Check" }).click();
      const verdict = check.getByTestId("verified");
      await verdict.getByText("Genuine: a session record released on").waitFor();
      await verdict.getByText(`Its fingerprint is ${fingerprint}.`).waitFor();
      assert.ok(!(await verdict.innerText()).includes("Ava"), "the check never shows the content");
      await assertPhoneFriendly(check);
      await check.screenshot({ path: `${SCREENSHOTS}verify-genuine.png`, fullPage: true });
      await check.getByLabel("Verification code").fill("0000-0000-0000");
      await check.getByRole("button", { name: "Check" }).click();
      await verdict.getByText("No document has this code").waitFor();
    } finally {
      await stranger.context.close();
    }
  } finally {
    await worker.context.close();
    await coordinator.context.close();
    await referrer.context.close();
    await server.stop();
  }
});

test("a worker signs a record with a PIN on a phone without signal; it syncs once and reaches the co-signing queue", async () => {
  const server = await ownServer();
  const worker = await phonePage(browser, server.url);
  const coordinator = await phonePage(browser, server.url);
  try {
    const page = worker.page;
    await signIn(page, "worker1");
    await page.waitForURL("**/worker");
    // With signal: the worker sets a signing PIN.
    await page.getByRole("button", { name: "Set a signing PIN" }).click();
    await page.getByLabel("Your password").fill("contact-demo");
    await page.getByLabel("New PIN (six digits)").fill("123456");
    await page.getByRole("button", { name: "Save PIN" }).click();
    await page.getByRole("alert").filter({ hasText: "too easy to guess" }).waitFor();
    await page.getByLabel("New PIN (six digits)").fill("394817");
    await page.getByRole("button", { name: "Save PIN" }).click();
    await page.getByRole("status").filter({ hasText: "PIN set" }).waitFor();

    await page.locator("a.session-link", { hasText: "FAM-0002" }).click();
    await page.getByRole("button", { name: "Start session" }).click();
    await page.getByRole("group", { name: "Category" }).getByRole("button", { name: "Play", exact: true }).click();
    await page.getByLabel("What happened").fill("Ava showed her dad her school reading book");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
    await page.getByRole("button", { name: "End session" }).click();
    // The signing card shows once the "ended" entry is saved (and counted);
    // only then does an unsynced count of 0 mean the server has it.
    await page.getByRole("heading", { name: "Complete and sign the record" }).waitFor();
    await waitForUnsynced(page, 0);

    // The signal goes. The worker completes and signs the record on the phone.
    await worker.context.setOffline(true);
    await page.getByLabel("How the session went").fill("A relaxed session; Ava read to her dad.");
    await page.getByLabel("If Tom Barker will not sign, say why").fill("Tom left at the end to cover another room.");
    await page.getByLabel("Your signing PIN").fill("394817");
    await page.getByRole("button", { name: "Sign with my PIN" }).click();
    await page.getByTestId("signed-on-phone").waitFor();
    await waitForUnsynced(page, 1);
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}record-signed-offline.png`, fullPage: true });

    // A reload without signal keeps the signature waiting on the phone.
    await page.reload();
    await page.getByTestId("signed-on-phone").waitFor();
    await waitForUnsynced(page, 1);

    // Signal returns: the signature syncs, and the record is signed.
    await worker.context.setOffline(false);
    await waitForUnsynced(page, 0);
    await page.getByTestId("signed").waitFor();

    const desk = coordinator.page;
    await signIn(desk, "coordinator");
    await desk.waitForURL("**/coordinator");
    await desk.getByTestId("cosign-count").filter({ hasText: "Records to co-sign (1)" }).waitFor();
    await desk.getByTestId("cosign-count").click();
    await desk.locator(".record-due", { hasText: "FAM-0002" }).locator("a").click();
    await desk.getByText("A relaxed session; Ava read to her dad.").waitFor();
    await desk.getByText(/Signed by Priya Shah with their PIN on the phone at .* \(without signal\); received/).waitFor();
    await desk.getByText("Not signed by every worker: Tom left at the end to cover another room.").waitFor();
    assert.equal(await desk.getByText(/Signed by Priya Shah/).count(), 1, "signed once");
  } finally {
    await worker.context.close();
    await coordinator.context.close();
    await server.stop();
  }
});
