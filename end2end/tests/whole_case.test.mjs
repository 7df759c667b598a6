// One case followed through its life, as the centre runs it, over seven
// weeks of January and February 2031: referral, risk assessment,
// pre-visits, a supervised series with a missed session and a late
// cancellation, a review that moves it to supported contact, a second
// series, and a final report released as a PDF whose code checks out.
//
// The spec runs its own demo server and moves its clock on by starting it
// again later (`CCC_DEMO_CLOCK`), on the same database; each phone's clock
// is set to the same time (Playwright's clock), as a real phone's would be.
// London is on GMT in January, so the London times below are UTC too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  phonePage,
  signIn,
  hydrated,
  assertPhoneFriendly,
  chooseOwnPassword,
  ownServer,
  endSessionAndOpenRecord,
  createAccount,
  downloadPdfText,
  SCREENSHOTS,
  DEMO_PASSWORD,
} from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const CASE = "FAM-0300";

/** A phone whose clock reads `clock` (London, "2031-01-06 09:00") and runs on. */
async function phoneAt(server, clock) {
  const phone = await phonePage(browser, server.url);
  await phone.context.clock.install({ time: new Date(`${clock.replace(" ", "T")}:00Z`) });
  return phone;
}

/** Stops the server and starts it again on the same data with its clock at `clock`. */
async function moveClockTo(server, clock) {
  await server.stop();
  await server.start({ clock });
}

async function signInAs(page, username, password, home) {
  await signIn(page, username, password);
  await page.waitForURL(`**${home}`);
  await hydrated(page);
}

/** Opens the case from the coordinator's case list. */
async function openCase(page) {
  await page.goto("/coordinator/cases");
  await hydrated(page);
  await page.getByRole("link", { name: CASE }).click();
  await page.waitForURL("**/coordinator/cases/*");
  await hydrated(page);
  await page.getByRole("heading", { name: CASE, exact: true }).waitFor();
}

async function recordRisk(page, stage, decision, why) {
  await page.locator("#risk-stage").selectOption(stage);
  await page.locator("#risk-decision").selectOption(decision);
  await page.locator("#risk-why").fill(why);
  await page.locator("#risk-review").fill("2031-06-30");
  await page.getByRole("button", { name: "Record the assessment" }).click();
  await page.getByRole("status").filter({ hasText: "Assessment recorded." }).waitFor();
}

async function signAgreements(page, on) {
  await page.getByLabel("Signed on").fill(on);
  await page.getByRole("button", { name: "Resident parent signed" }).click();
  await page.getByText(`Resident parent's agreement: signed ${on}`).waitFor();
  await page.getByLabel("Signed on").fill(on);
  await page.getByRole("button", { name: "Visiting parent signed" }).click();
  await page.getByText(`Visiting parent's agreement: signed ${on}`).waitFor();
}

/** Books through the case page's form; waits until the case shows `expect` bookings. */
async function book(page, { what, day, time, minutes, repeat, count, workers, expect }) {
  await page.getByLabel("What to book").selectOption(what);
  await page.getByLabel("First session on").fill(day);
  await page.getByLabel("Starting at").fill(time);
  await page.getByLabel("How long (minutes)").fill(String(minutes));
  if (repeat) {
    await page.getByLabel("Repeat").selectOption(repeat);
    await page.getByLabel("How many").fill(String(count));
  }
  await page.getByLabel("Room").selectOption({ label: "Green room" });
  await page.getByLabel("Contact worker", { exact: true }).selectOption({ label: workers[0] });
  if (workers[1]) await page.getByLabel("Second contact worker").selectOption({ label: workers[1] });
  await page.getByRole("button", { name: "Book", exact: true }).click();
  await page.locator("li.booking").nth(expect - 1).waitFor();
  assert.equal(await page.locator("li.booking").count(), expect);
}

/** The case page's booking row whose heading reads `heading` ("Contact session · Wed 15 Jan 2031"). */
function bookingRow(page, heading) {
  return page.locator("li.booking", { has: page.locator(".booking-day", { hasText: heading }) });
}

test("one case from referral to a released final report, across a supervised and a supported series", async () => {
  const server = await ownServer({ clock: "2031-01-06 09:00" });
  const phones = [];
  const at = async (clock) => {
    const phone = await phoneAt(server, clock);
    phones.push(phone);
    return phone.page;
  };
  try {
    // Monday 6 January: the referral, its risk assessment, two pre-visits.
    let desk = await at("2031-01-06 09:00");
    await signInAs(desk, "coordinator", DEMO_PASSWORD, "/coordinator");
    await createAccount(desk, { name: "Dana Hale", username: "dana.hale", role: "worker", password: "dana-first-pass" });
    await createAccount(desk, { name: "Sam Reid", username: "sam.reid", role: "worker", password: "sam-first-pass" });
    const dana = desk.locator(".list-item.account", { hasText: "Dana Hale" });
    await dana.getByRole("button", { name: "Mark as senior (may co-sign)" }).click();
    await dana.getByText("Senior: co-signs").waitFor();

    await desk.goto("/coordinator/cases");
    await hydrated(desk);
    await desk.getByLabel("Case reference").fill(CASE);
    await desk.getByLabel("Referred by").selectOption("solicitor");
    await desk.getByLabel("First name").fill("Rosa");
    await desk.getByLabel("Last name").fill("Vale");
    await desk.getByLabel("Date of birth").fill("2022-05-14");
    await desk.locator("#ref-resident-name").fill("Amy Vale");
    await desk.locator("#ref-visiting-name").fill("Joe Vale");
    await desk.getByLabel("Actual abduction").check();
    await desk.getByRole("button", { name: "Record referral" }).click();
    await desk.getByRole("status").filter({ hasText: "Referral recorded" }).waitFor();
    await openCase(desk);
    await recordRisk(desk, "at_referral", "supervised", "An abduction in 2029: supervised, with a safety plan.");
    await desk.getByRole("button", { name: "Accept referral" }).click();
    // No plan yet: only pre-visits and review meetings can be booked.
    await desk.getByText("only pre-visits and review meetings can be booked").waitFor();
    await book(desk, { what: "pre_visit:visiting", day: "2031-01-07", time: "14:00", minutes: 30, workers: ["Dana Hale"], expect: 1 });
    await book(desk, { what: "pre_visit:resident", day: "2031-01-07", time: "15:00", minutes: 30, workers: ["Dana Hale"], expect: 2 });
    await desk.goto("/coordinator");
    await hydrated(desk);
    await createAccount(desk, {
      name: "Joe Vale", username: "joe.vale", role: "parent", password: "joe-first-pass", caseReference: CASE, side: "visiting_parent",
    });

    // Tuesday 7 January, after the pre-visits: attendance, the second
    // assessment, the plan, both agreements, a weekly series of three.
    await moveClockTo(server, "2031-01-07 15:45");
    desk = await at("2031-01-07 15:45");
    await signInAs(desk, "coordinator", DEMO_PASSWORD, "/coordinator");
    await openCase(desk);
    // Each pre-visit says whose it is, and is one meeting (no staggered times).
    await bookingRow(desk, "Pre-visit, visiting parent · Tue 7 Jan 2031").getByText("Meeting 14:00–14:30").waitFor();
    await bookingRow(desk, "Pre-visit, resident parent · Tue 7 Jan 2031").getByText("Meeting 15:00–15:30").waitFor();
    for (const visit of [0, 1]) {
      const row = desk.locator("li.booking").nth(visit);
      await row.getByRole("button", { name: "Attended", exact: true }).click();
      await row.getByRole("button", { name: "Correct attendance…" }).waitFor();
    }
    await recordRisk(desk, "after_pre_visits", "supervised", "Pre-visits went calmly; Rosa is ready to see her dad, supervised.");
    await desk.getByLabel("Sessions").fill("3");
    await desk.getByRole("button", { name: "Save plan" }).click();
    await signAgreements(desk, "2031-01-07");
    await book(desk, {
      what: "session", day: "2031-01-08", time: "14:00", minutes: 60, repeat: "7", count: 3, workers: ["Dana Hale", "Sam Reid"], expect: 5,
    });
    await assertPhoneFriendly(desk);

    // Wednesday 8 January, the first session: Dana runs it on her phone and
    // signs the record; the coordinator co-signs it.
    await moveClockTo(server, "2031-01-08 13:55");
    const phone = await at("2031-01-08 13:55");
    await signIn(phone, "dana.hale", "dana-first-pass");
    await chooseOwnPassword(phone, "dana-first-pass", "dana's own passphrase");
    await phone.waitForURL("**/worker");
    await phone.locator("a.session-link", { hasText: CASE }).first().click();
    await phone.getByRole("heading", { name: new RegExp(CASE) }).waitFor();
    await hydrated(phone);
    await phone.getByRole("button", { name: "Start session" }).click();
    await phone.getByRole("group", { name: "Category" }).getByRole("button", { name: "Play", exact: true }).click();
    await phone.getByLabel("What happened").fill("Rosa and her dad drew a map of the park");
    await phone.getByRole("button", { name: "Save", exact: true }).click();
    await phone.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
    await endSessionAndOpenRecord(phone);
    await phone.getByLabel("How the session went").fill("A relaxed first session; Rosa warmed up within minutes.");
    await phone.getByLabel("If your co-worker will not sign, say why").fill("Sam left to cover the next room.");
    await phone.getByLabel("Your password").fill("dana's own passphrase");
    await phone.getByRole("button", { name: "Sign", exact: true }).click();
    await phone.locator(".record-head .badge").filter({ hasText: "Signed, waiting for co-signature" }).waitFor();

    desk = await at("2031-01-08 13:55");
    await signInAs(desk, "coordinator", DEMO_PASSWORD, "/coordinator");
    await desk.getByTestId("cosign-count").click();
    await desk.locator(".record-due", { hasText: CASE }).locator("a").click();
    await desk.getByLabel("Your password or signing PIN, to confirm").fill(DEMO_PASSWORD);
    await desk.getByRole("button", { name: "Co-sign and release" }).click();
    await desk.getByText("Co-signed by Morgan Ellis").waitFor();
    // Attendance came from Dana's phone: the session started.
    await openCase(desk);
    await bookingRow(desk, "Contact session · Wed 8 Jan 2031").getByRole("button", { name: "Correct attendance…" }).waitFor();

    // Wednesday 15 January: nobody came to the second session, and nobody rang.
    await moveClockTo(server, "2031-01-15 15:30");
    desk = await at("2031-01-15 15:30");
    await signInAs(desk, "coordinator", DEMO_PASSWORD, "/coordinator");
    await openCase(desk);
    const second = bookingRow(desk, "Contact session · Wed 15 Jan 2031");
    await second.getByRole("button", { name: "Missed, no explanation" }).click();
    await second.getByText("Missed, without explanation").waitFor();
    // One session left and no review booked: the coordinator is prompted.
    await desk.getByTestId("review-to-book").waitFor();

    // Tuesday 21 January: the visiting parent cancels Wednesday's session,
    // less than 48 hours ahead, and the coordinator books the review.
    await moveClockTo(server, "2031-01-21 10:00");
    const parent = await at("2031-01-21 10:00");
    await signIn(parent, "joe.vale", "joe-first-pass");
    await chooseOwnPassword(parent, "joe-first-pass", "joe's own passphrase");
    await parent.waitForURL("**/parent");
    await hydrated(parent);
    const ahead = parent.locator("li.booking", { has: parent.getByRole("button", { name: "Cancel this session…" }) });
    assert.equal(await ahead.count(), 1, "one session still ahead");
    const third = parent.locator("li.booking", { hasText: "Wed 22 Jan 2031" });
    await third.getByRole("button", { name: "Cancel this session…" }).click();
    const dialog = third.getByRole("alertdialog");
    assert.match(await dialog.textContent(), /lose the session fee/);
    await dialog.getByLabel(/Why\?/).fill("Working away that week");
    await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
    await third.locator(".badge", { hasText: "Cancelled" }).waitFor();
    await parent.locator(".statement").getByText("kept after a late cancellation").waitFor();

    desk = await at("2031-01-21 10:00");
    await signInAs(desk, "coordinator", DEMO_PASSWORD, "/coordinator");
    await openCase(desk);
    await bookingRow(desk, "Contact session · Wed 22 Jan 2031").getByText("Cancelled by the visiting parent: Working away that week").waitFor();
    await book(desk, { what: "review", day: "2031-01-23", time: "10:00", minutes: 60, workers: ["Dana Hale"], expect: 6 });
    assert.equal(await desk.getByTestId("review-to-book").count(), 0, "the review is booked");

    // Thursday 23 January, after the review: it moves the case to supported
    // contact; a new assessment, a new plan, a fortnightly series; the final
    // report on the supervised series, co-signed by Dana as senior worker.
    await moveClockTo(server, "2031-01-23 11:15");
    desk = await at("2031-01-23 11:15");
    await signInAs(desk, "coordinator", DEMO_PASSWORD, "/coordinator");
    await openCase(desk);
    const review = bookingRow(desk, "Review meeting · Thu 23 Jan 2031");
    await review.getByLabel("What the review decided").selectOption("change_service");
    await review.getByLabel("Why (kept on the case)").fill("Two good sessions out of three; Rosa is settled. Supported contact next.");
    await review.getByRole("button", { name: "Record the outcome" }).click();
    await bookingRow(desk, "Review meeting · Thu 23 Jan 2031").getByText("Decided: Change the service (a new plan).").waitFor();
    await recordRisk(desk, "at_review", "supported", "Reviewed 23 January: no incident in the series; supported contact.");
    await desk.getByText("At a review meeting: Supported contact").waitFor();
    await desk.getByRole("button", { name: "Make a new plan…" }).click();
    await desk.getByLabel("Service").selectOption("supported");
    await desk.getByLabel("Every (days)").fill("14");
    await desk.getByLabel("Sessions").fill("2");
    await desk.getByRole("button", { name: "Save plan" }).click();
    await desk.getByText("Earlier plans (1)").waitFor();
    await signAgreements(desk, "2031-01-23");
    await book(desk, {
      what: "session", day: "2031-02-05", time: "14:00", minutes: 60, repeat: "14", count: 2, workers: ["Dana Hale"], expect: 8,
    });
    await bookingRow(desk, "Contact session · Wed 19 Feb 2031").waitFor();

    await desk.getByLabel("Summary").fill("Rosa and her father met three times under supervision; one session was missed and one cancelled by him.");
    await desk.getByLabel("Recommendation").fill("Move to supported contact");
    await desk.getByLabel("Your password or signing PIN").fill(DEMO_PASSWORD);
    await desk.getByRole("button", { name: "Write and sign" }).click();
    await desk.getByRole("status").filter({ hasText: "Written and signed" }).waitFor();
    await assertPhoneFriendly(desk);
    await desk.screenshot({ path: `${SCREENSHOTS}whole-case.png`, fullPage: true });

    const senior = await at("2031-01-23 11:15");
    await signInAs(senior, "dana.hale", "dana's own passphrase", "/worker");
    await senior.getByRole("link", { name: "Records and reports to co-sign" }).click();
    await senior.waitForURL("**/worker/cosign");
    const reports = senior.getByTestId("reports-to-cosign");
    await reports.getByText(`Final report · ${CASE}`).waitFor();
    await reports.getByLabel("Your password or signing PIN, to confirm").fill("dana's own passphrase");
    await reports.getByRole("button", { name: "Co-sign and release this report" }).click();
    await reports.getByText("Report co-signed and released to the referrer.").waitFor();

    // The released report as the server's PDF, and its code checked by anyone.
    await desk.reload();
    await hydrated(desk);
    const pdf = await downloadPdfText(desk, desk.getByRole("link", { name: "Download PDF" }));
    const text = pdf.pages.join("\n");
    assert.match(text, new RegExp(`Final report · ${CASE}`));
    // The PDF draws each fact's value, then its label: the first session
    // attended, the second missed (the cancelled third is neither).
    assert.match(text, /(^|\n)1\nSessions attended\n/);
    assert.match(text, /(^|\n)1\nSessions missed\n/);
    assert.match(text, /Co-signed by Dana Hale and released to the referrer on/);
    const [, code] = text.replace(/\n/g, " ").match(/Verification code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/);
    const check = await at("2031-01-23 11:15");
    await check.goto("/verify");
    await hydrated(check);
    await check.getByLabel("Verification code").fill(code);
    await check.getByRole("button", { name: "Check" }).click();
    await check.getByTestId("verified").getByText("Genuine: a final report released on").waitFor();

    // The case page, opened straight from its address again and again,
    // hydrates every time without an error.
    const address = new URL(desk.url()).pathname;
    for (let round = 0; round < 6; round++) {
      const again = await at("2031-01-23 11:15");
      await signInAs(again, "coordinator", DEMO_PASSWORD, "/coordinator");
      await again.goto(address);
      // A failed hydration leaves the page unhydrated with a page error:
      // the error is what the spec reports.
      await again.waitForSelector("body[data-hydrated]", { timeout: 10_000 }).catch(() => {});
      assert.deepEqual(phones.at(-1).problems, [], `opening the case page straight from its address, time ${round + 1}`);
      await hydrated(again);
      await again.getByRole("heading", { name: CASE, exact: true }).waitFor();
    }

    for (const phone of phones) assert.deepEqual(phone.problems, []);
  } catch (error) {
    // Where it stopped, to look at.
    await phones.at(-1)?.page.screenshot({ path: `${SCREENSHOTS}whole-case-failed.png`, fullPage: true });
    throw error;
  } finally {
    for (const phone of phones) await phone.context.close();
    await server.stop();
  }
});
