// The coordinator takes a referral through to a booked series of six on a
// phone; the visiting parent sees "awaiting payment", the coordinator records
// the payment, the parent sees "confirmed", then cancels the first session
// less than 48 hours ahead and sees the fee kept on the statement.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, phonePage, signIn, hydrated, assertPhoneFriendly, chooseOwnPassword, createAccount, SCREENSHOTS } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** London wall-clock now, as minutes since an arbitrary epoch plus a date formatter. */
function londonNow() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  return new Date(Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute));
}

/** The first session slot, London time, between 1 and 47 hours from now, on an open day, away from the demo family's Saturday 10:00. */
function slotWithin48Hours() {
  const now = londonNow();
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    for (const [hour, minute] of [[9, 30], [16, 0]]) {
      const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + dayOffset, hour, minute));
      const hoursAhead = (slot - now) / 3_600_000;
      const weekday = slot.getUTCDay();
      if (weekday === 0 || (weekday === 6 && hour === 9)) continue;
      // Three hours ahead at least: the demo's session in progress books the same
      // two workers from now for an hour, with the parents' staggered times.
      if (hoursAhead >= 3 && hoursAhead <= 47) {
        return { date: slot.toISOString().slice(0, 10), time: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}` };
      }
    }
  }
  throw new Error("no slot found");
}

/** "YYYY-MM-DD" for a booking row's "Contact session · Sat 9 Jan 2027". */
function isoDayFromRow(text) {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const [, day, month, year] = text.match(/(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})/);
  return `${year}-${String(months.indexOf(month) + 1).padStart(2, "0")}-${day.padStart(2, "0")}`;
}

async function visitingParentBookings(page) {
  await signIn(page, "fam200.visiting", "fam200-own-passphrase");
  await page.waitForURL("**/parent");
  await hydrated(page);
  const bookings = page.locator("li.booking");
  await bookings.first().waitFor();
  return bookings;
}

test("a referral becomes a booked series of six, paid for, and one late cancellation", async () => {
  const { context, page, problems } = await phonePage(browser);
  try {
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    await page.getByRole("link", { name: "Cases, referrals and bookings" }).click();
    await page.waitForURL("**/coordinator/cases");
    await hydrated(page);

    // The referral.
    await page.getByLabel("Case reference").fill("FAM-0200");
    await page.getByLabel("Referred by").selectOption("solicitor");
    await page.getByLabel("First name").fill("Ella");
    await page.getByLabel("Last name").fill("Stone");
    await page.getByLabel("Date of birth").fill("2019-02-11");
    await page.getByRole("button", { name: "Add another child" }).click();
    const second = page.locator("fieldset", { has: page.locator("legend", { hasText: "Child 2" }) });
    await second.getByLabel("First name").fill("Max");
    await second.getByLabel("Last name").fill("Stone");
    await second.getByLabel("Date of birth").fill("2022-06-30");
    await page.locator("#ref-resident-name").fill("Kim Stone");
    await page.locator("#ref-visiting-name").fill("Lee Stone");
    await page.getByLabel("Fear of abduction, no real evidence").check();
    await page.getByRole("status").filter({ hasText: "supported contact" }).waitFor();
    await page.getByLabel("Actual abduction").check();
    await page.getByRole("status").filter({ hasText: "supervised contact" }).waitFor();
    await assertPhoneFriendly(page);
    await page.getByRole("button", { name: "Record referral" }).click();
    await page.getByRole("status").filter({ hasText: "Referral recorded" }).waitFor();
    await page.getByRole("link", { name: "FAM-0200" }).click();
    await page.waitForURL("**/coordinator/cases/*");
    await hydrated(page);
    await page.getByText(/^Ella, \d+ · Max, \d+$/).waitFor();

    // The risk assessment: the decision, why, and when it is reviewed.
    await page.locator("#risk-decision").selectOption("supervised");
    await page.locator("#risk-why").fill("Past abduction: supervised, with a safety plan.");
    await page.locator("#risk-review").fill("2099-01-31");
    await page.getByRole("button", { name: "Record the assessment" }).click();
    await page.getByText("At referral: Supervised contact").waitFor();

    // Accept, plan, agreements.
    await page.getByRole("button", { name: "Accept referral" }).click();
    await page.getByRole("button", { name: "Save plan" }).click();
    await page.getByLabel("Signed on").fill("2026-11-20");
    await page.getByRole("button", { name: "Resident parent signed" }).click();
    await page.getByText("Resident parent's agreement: signed").waitFor();
    await page.getByLabel("Signed on").fill("2026-11-21");
    await page.getByRole("button", { name: "Visiting parent signed" }).click();
    await page.getByText("Visiting parent's agreement: signed").waitFor();

    // A series of six.
    const slot = slotWithin48Hours();
    await page.getByLabel("First session on").fill(slot.date);
    await page.getByLabel("Starting at").fill(slot.time);
    await page.getByLabel("Room").selectOption({ label: "Green room" });
    await page.getByLabel("Contact worker", { exact: true }).selectOption({ label: "Priya Shah" });
    await page.getByLabel("Second contact worker").selectOption({ label: "Tom Barker" });
    await page.getByRole("button", { name: "Book", exact: true }).click();
    await page.locator("li.booking").nth(5).waitFor();
    assert.equal(await page.locator("li.booking").count(), 6);
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}coordinator-case.png`, fullPage: true });

    // The last session moves two hours, the same day: staggered again.
    const last = page.locator("li.booking").nth(5);
    const lastDay = await last.locator(".booking-day").textContent();
    const movedTo = slot.time === "16:00" ? "14:00" : "11:30";
    await last.getByRole("button", { name: "Move…" }).click();
    await last.getByLabel("New day").fill(isoDayFromRow(lastDay));
    await last.getByLabel("New start time").fill(movedTo);
    await last.getByRole("button", { name: "Move it and tell the parents" }).click();
    await page.locator("li.booking").nth(5).locator(".booking-times").filter({ hasText: `child ${movedTo}` }).waitFor();

    // The week calendar shows the first session on its day.
    await page.goto(`/coordinator/calendar?week=${slot.date}`);
    await page.locator(".slot", { hasText: "FAM-0200" }).first().waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}coordinator-calendar.png`, fullPage: true });

    // An account for the visiting parent, linked to the case.
    await page.goto("/coordinator");
    await hydrated(page);
    await createAccount(page, {
      name: "Lee Stone", username: "fam200.visiting", role: "parent", password: "fam200-visiting-pass", caseReference: "FAM-0200", side: "visiting_parent",
    });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    // The parent's first sign-in: they choose their own password.
    await signIn(page, "fam200.visiting", "fam200-visiting-pass");
    await chooseOwnPassword(page, "fam200-visiting-pass", "fam200-own-passphrase");
    await page.waitForURL("**/parent");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");

    // The parent sees "awaiting payment".
    let bookings = await visitingParentBookings(page);
    assert.equal(await bookings.count(), 6);
    assert.equal(await bookings.nth(0).locator(".badge").textContent(), "Awaiting your payment");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");

    // The coordinator records £319: registration, deposit, first session.
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    await page.goto("/coordinator/cases");
    await page.getByRole("link", { name: "FAM-0200" }).click();
    await page.waitForURL("**/coordinator/cases/*");
    await hydrated(page);
    await page.getByLabel("Parent", { exact: true }).selectOption("visiting");
    await page.getByLabel("Amount (£)").fill("319.00");
    await page.getByLabel("Paid on").fill("2026-11-26");
    await page.getByRole("button", { name: "Record payment" }).click();
    await page.getByText("visiting parent owes £495.00").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");

    // The parent sees "confirmed", then cancels it less than 48 hours ahead.
    bookings = await visitingParentBookings(page);
    const first = bookings.nth(0);
    assert.equal(await first.locator(".badge").textContent(), "Confirmed");
    await first.getByRole("button", { name: "Cancel this session…" }).click();
    const dialog = first.getByRole("alertdialog");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /lose the session fee of £99\.00/);
    await dialog.getByLabel(/Why\?/).fill("My shift was changed at short notice");
    await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
    await first.locator(".badge", { hasText: "Cancelled" }).waitFor();
    await page.locator(".statement").getByText("kept after a late cancellation").waitFor();
    await page.locator(".statement").getByText("You owe £495.00").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}parent-statement-forfeit.png`, fullPage: true });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");

    // The coordinator sees who cancelled and why, and the case in arrears.
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    await hydrated(page);
    const arrears = page.getByTestId("arrears");
    await arrears.getByRole("link", { name: "FAM-0200 · visiting parent" }).waitFor();
    assert.match(await arrears.textContent(), /FAM-0200 · visiting parent£495\.00 · owed since/);
    await page.screenshot({ path: `${SCREENSHOTS}coordinator-arrears.png`, fullPage: true });
    // The counts lead to the case list, filtered; the search finds a case by
    // a child's first name.
    await page.getByTestId("needs-action").getByRole("link", { name: /^In arrears \(\d+\)$/ }).click();
    await page.waitForURL("**/coordinator/cases?needs=arrears");
    await hydrated(page);
    await page.getByRole("link", { name: "FAM-0200" }).waitFor();
    await page.getByLabel("Find a case (by reference or a child's name)").fill("ell");
    await page.locator("li.list-item", { hasText: "FAM-0200" }).getByText("In arrears").waitFor();
    await page.getByLabel("Find a case (by reference or a child's name)").fill("nobody-by-this-name");
    await page.getByText("No case matches.").waitFor();
    await assertPhoneFriendly(page);
    await page.getByLabel("Find a case (by reference or a child's name)").fill("FAM-0200");
    await page.getByRole("link", { name: "FAM-0200" }).click();
    await page.waitForURL("**/coordinator/cases/*");
    await page.goto("/coordinator");
    await hydrated(page);
    await arrears.getByRole("link", { name: "FAM-0200 · visiting parent" }).click();
    await page.waitForURL("**/coordinator/cases/*");
    const cancelled = page.locator("li.booking").first();
    await cancelled.getByText("Cancelled by the visiting parent: My shift was changed at short notice").waitFor();
    assert.equal(await page.locator("li.booking").nth(1).locator(".badge").textContent(), "Awaiting payment from the visiting parent");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a case a local authority funds: the authority is invoiced, its payment is recorded on the case page, and the parents owe nothing", async () => {
  const { context, page, problems } = await phonePage(browser);
  try {
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    await hydrated(page);
    // The case's paperwork, through the same server functions the forms use.
    const reference = `FAM-${7000 + Math.floor(Math.random() * 2999)}`;
    const caseId = await page.evaluate(async (reference) => {
      const call = async (name, body, json) => {
        const response = await fetch(`/api/${name}`, {
          method: "POST",
          headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded" },
          body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
        });
        if (!response.ok) throw new Error(`${name}: ${response.status} ${await response.text()}`);
        return response.json();
      };
      const parent = (name) => ({ full_name: name, phone: "07700 900123", email: "", address: "2 Mill Lane" });
      const caseId = await call("record_referral", { referral: {
        reference, source: "social_worker", law: "public", funding: "local_authority",
        court_orders: "", pending_proceedings: "", reasons: ["past_substance_misuse"],
        children: [{ first_name: "Noah", last_name: "Reed", date_of_birth: "2018-05-04" }],
        resident: parent("Rae Reed"), visiting: parent("Vic Reed"), resident_consent_on: null, visiting_consent_on: null,
      } }, true);
      await call("decide_referral", { case_id: caseId, accept: true, note: "" });
      const plan = await call("create_plan", { case_id: caseId, plan: { service: "supervised", every_days: 7, duration_min: 60,
        sessions_planned: 6, ground_rules: "", who_may_attend: "" } }, true);
      for (const side of ["resident", "visiting"]) {
        await call("record_agreement", { plan_id: plan, parent: side, signed_on: new Date().toISOString().slice(0, 10) });
      }
      return caseId;
    }, reference);

    // Into the case from the case list, as a coordinator would.
    await page.goto("/coordinator/cases");
    await hydrated(page);
    await page.getByRole("link", { name: reference }).click();
    await page.waitForURL(`**/coordinator/cases/${caseId}`);
    const account = page.getByTestId("authority-account");
    await account.getByText("Invoiced £220.00 · paid £0.00 · owed £220.00").waitFor();
    await account.getByLabel("Amount the authority paid (£)").fill("100");
    await account.getByLabel("Paid on").fill("2026-11-20");
    await account.getByLabel("Their reference (optional)").fill("INV-3391");
    await account.getByRole("button", { name: "Record the authority's payment" }).click();
    await account.getByText("Invoiced £220.00 · paid £100.00 · owed £120.00").waitFor();
    await account.getByText("Payment from the local authority, ref. INV-3391").waitFor();
    // A mistake is named, nothing is recorded, and what was typed stays.
    await account.getByLabel("Amount the authority paid (£)").fill("0");
    await account.getByLabel("Their reference (optional)").fill("INV-3392");
    await account.getByRole("button", { name: "Record the authority's payment" }).click();
    await account.getByRole("alert").filter({ hasText: "above £0.00" }).waitFor();
    assert.equal(await account.getByLabel("Their reference (optional)").inputValue(), "INV-3392");
    assert.equal(await account.getByLabel("Amount the authority paid (£)").inputValue(), "0");
    await account.getByText("Invoiced £220.00 · paid £100.00 · owed £120.00").waitFor();
    await assertPhoneFriendly(page);
    await account.screenshot({ path: `${SCREENSHOTS}case-local-authority-account.png` });
    // The parents' statements carry the charges as the authority's.
    await page.getByText("Resident parent owes £0.00 · visiting parent owes £0.00").waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
