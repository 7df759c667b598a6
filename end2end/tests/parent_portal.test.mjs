// The parent portal on a phone: own bookings with own times and statuses,
// the statement, and cancelling after being told what it costs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, phonePage, signIn, hydrated, assertPhoneFriendly, SCREENSHOTS } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the visiting parent sees their bookings, pays attention to the cost, and cancels one", async () => {
  const { context, page, problems } = await phonePage(browser);
  try {
    await signIn(page, "visiting");
    await page.waitForURL("**/parent");
    await hydrated(page);
    const bookings = page.locator("li.booking");
    await bookings.first().waitFor();
    assert.equal(await bookings.count(), 6);
    assert.equal(await bookings.nth(0).locator(".badge").textContent(), "Confirmed");
    assert.equal(await bookings.nth(1).locator(".badge").textContent(), "Awaiting your payment");
    // What is owed, by when, and how to pay, with a reference to quote.
    const toPay = page.locator(".to-pay");
    assert.equal(await toPay.locator("li").count(), 5, "the five unpaid sessions");
    assert.match(await toPay.locator("li").first().textContent(), /Contact session on .*£99\.00 · (due now|by )/);
    await toPay.getByText("FAM-0001-VISITING").waitFor();
    assert.match(await bookings.nth(0).locator(".booking-times").textContent(), /Arrive 09:45 · leave 11:10/);
    await page.locator(".statement").getByText("You owe £495.00").waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}parent-bookings.png`, fullPage: true });

    // The last session is weeks away: cancelling it costs nothing, and the
    // parent is told so before confirming.
    const last = bookings.nth(5);
    await last.getByRole("button", { name: "Cancel this session…" }).click();
    const dialog = last.getByRole("alertdialog");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /costs you nothing/);
    await page.screenshot({ path: `${SCREENSHOTS}parent-cancel-question.png`, fullPage: false });
    await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
    await last.locator(".badge", { hasText: "Cancelled" }).waitFor();
    await page.locator(".statement").getByText("You owe £396.00").waitFor();
    assert.equal(await last.getByRole("button", { name: "Cancel this session…" }).count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the resident parent sees the start and end times, never the other parent's", async () => {
  const { context, page } = await phonePage(browser);
  try {
    await signIn(page, "resident");
    await page.waitForURL("**/parent");
    const first = page.locator("li.booking").first();
    await first.waitFor();
    assert.match(await first.locator(".booking-times").textContent(), /Arrive 10:00 · leave 11:00/);
    const text = await page.locator("main").textContent();
    assert.ok(!text.includes("09:45") && !text.includes("11:10"), "no visiting-parent times on the page");
    assert.ok(!text.includes("Ryan"), "no word of the other parent");
    await page.locator(".statement").getByText("You owe £220.00").waitFor();
    // A session the visiting parent has not paid for is not confirmed for
    // the resident parent either.
    const bookings = page.locator("li.booking");
    assert.equal(await bookings.nth(0).locator(".badge").textContent(), "Confirmed");
    assert.equal(await bookings.nth(1).locator(".badge").textContent(), "Not confirmed yet: awaiting payment");
    await page.locator(".rules").getByText("No talk of the court case", { exact: false }).waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}parent-statement-resident.png`, fullPage: true });
  } finally {
    await context.close();
  }
});
