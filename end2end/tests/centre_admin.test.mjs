// The centre's settings, a cancellation by the centre that both parents hear
// of, an item of indirect contact, and a referrer's online referral, on a
// phone-sized screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, phonePage, signIn, hydrated, assertPhoneFriendly, ownServer, SCREENSHOTS } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/sign-in");
}

test("settings, a centre cancellation both parents hear of, indirect contact, and an online referral", async () => {
  const server = await ownServer({ mail: true });
  const { context, page, problems } = await phonePage(browser, server.url);
  try {
    // Settings: a wrong price is refused with the field named; a closed day is added.
    await signIn(page, "coordinator");
    await page.waitForURL("**/coordinator");
    // How the centre reaches her: a wrong address is refused in words, a
    // good one kept.
    await page.goto("/password");
    await hydrated(page);
    const contact = page.locator("section.my-contact");
    assert.equal(await contact.getByLabel("Email address").inputValue(), "coordinator@centre.example");
    await contact.getByLabel("Email address").fill("morgan@");
    await contact.getByRole("button", { name: "Save how I hear" }).click();
    await contact.getByRole("alert").filter({ hasText: "does not look like an email address" }).waitFor();
    await contact.getByLabel("Email address").fill("morgan.ellis@riverside.example");
    await contact.getByLabel("Mobile number").fill("07700 900777");
    await contact.getByLabel("Send me messages by").selectOption("sms");
    await contact.getByRole("button", { name: "Save how I hear" }).click();
    await contact.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}my-contact.png`, fullPage: true });
    await page.goto("/coordinator");
    await hydrated(page);
    await page.getByRole("link", { name: "Prices, hours and rooms" }).click();
    await page.waitForURL("**/coordinator/settings");
    await hydrated(page);
    const prices = page.locator("section", { has: page.getByRole("heading", { name: "Prices" }) });
    assert.equal(await prices.getByLabel("Supervised session (£)").inputValue(), "99.00");
    await prices.getByLabel("Supervised session (£)").fill("ninety");
    await prices.getByRole("button", { name: "Save prices" }).click();
    await prices.getByRole("alert").filter({ hasText: "Enter an amount in pounds" }).waitFor();
    await prices.getByLabel("Supervised session (£)").fill("104.50");
    await prices.getByRole("button", { name: "Save prices" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const closed = page.locator("section", { has: page.getByRole("heading", { name: "Other closed days" }) });
    await closed.getByLabel("Date").fill("2027-03-01");
    await closed.getByLabel("Why (people see this when booking)").fill("Staff training");
    await closed.getByRole("button", { name: "Close the centre that day" }).click();
    await closed.getByText("Mon 1 Mar 2027: Staff training").waitFor();
    assert.equal(await prices.getByLabel("Supervised session (£)").inputValue(), "104.50");
    // Payment terms: when a session's fee is due and how parents pay.
    const payments = page.locator("section", { has: page.getByRole("heading", { name: "Payments" }) });
    await payments.getByLabel("A session's fee is due, days before it").fill("3");
    await payments.getByLabel("How to pay (bank details, card at the centre)").fill("   ");
    await payments.getByRole("button", { name: "Save payment terms" }).click();
    await payments.getByRole("alert").filter({ hasText: "Say how parents pay" }).waitFor();
    await payments.getByLabel("How to pay (bank details, card at the centre)").fill("Bank transfer to Example Centre, sort code 00-00-00, account 12345678.");
    await payments.getByRole("button", { name: "Save payment terms" }).click();
    await payments.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await assertPhoneFriendly(page);
    await page.screenshot({ path: `${SCREENSHOTS}coordinator-settings.png`, fullPage: true });

    // The centre cancels the demo family's second session: the child is unwell.
    await page.goto("/coordinator/cases");
    await page.getByRole("link", { name: "FAM-0001" }).click();
    await page.waitForURL("**/coordinator/cases/*");
    await hydrated(page);
    const booking = page.locator("li.booking").nth(1);
    await booking.getByRole("button", { name: "Centre cancels…" }).click();
    await booking.getByRole("button", { name: "Child unwell" }).click();
    await booking.getByRole("button", { name: "Cancel it and tell the parents" }).click();
    await booking.locator(".badge", { hasText: "Cancelled" }).waitFor();

    // Both parents are emailed at once, each with their own time, the
    // listed reason, and no child's name.
    // (The demo's seeding confirmed its first paid session by email too.)
    const cancellations = async () => (await server.mail()).filter((m) => /^Subject: A session is cancelled$/m.test(m));
    let mail = [];
    for (let i = 0; i < 100 && mail.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      mail = await cancellations();
    }
    await new Promise((r) => setTimeout(r, 500));
    mail = await cancellations();
    assert.equal(mail.length, 2, "one email to each parent");
    for (const [address, time] of [["ryan.collins@family.example", "09:45"], ["jade.collins@family.example", "10:00"]]) {
      const email = mail.find((m) => /^To: .*$/m.exec(m)?.[0].includes(address));
      assert.ok(email, `an email to ${address}`);
      assert.match(email, /^Subject: A session is cancelled$/m);
      assert.match(email, new RegExp(`The centre has cancelled your contact session on \\w{3} \\d{1,2} \\w{3} \\d{4} at ${time}\\. The reason: child unwell\\.`));
      assert.match(email, new RegExp(`${server.url}/parent`));
      assert.match(email, /Riverside Child Contact Centre/);
      assert.doesNotMatch(email, /Lily|Noah/, "no child's name in an email");
    }
    // The coordinator sees that the messages reached both parents.
    await page.reload();
    await hydrated(page);
    const deliveries = page.locator("section.deliveries");
    await deliveries.getByText("Jade Collins (resident parent)").waitFor();
    assert.equal(await deliveries.getByText("Last email (booking cancelled) was sent: the mail server took it.").count(), 2);
    await assertPhoneFriendly(page);
    await deliveries.screenshot({ path: `${SCREENSHOTS}case-deliveries.png` });

    // A birthday card arrives for Lily; it is checked and passed on.
    const indirect = page.locator("section.indirect");
    await indirect.getByText("Log an item received").click();
    await indirect.getByLabel("Description").fill("Birthday card with a drawing");
    await indirect.getByRole("button", { name: "Log item" }).click();
    const item = indirect.locator(".indirect-item").first();
    await item.getByText("Birthday card with a drawing").waitFor();
    await item.getByRole("button", { name: "Checked" }).click();
    await item.getByRole("button", { name: "Passed on" }).click();
    await item.getByText(/Passed on by Morgan Ellis/).waitFor();
    await assertPhoneFriendly(page);
    await signOut(page);

    // Both parents are told, each with their own time; the visiting parent
    // sees their card was passed on.
    for (const [parent, time] of [["visiting", "09:45"], ["resident", "10:00"]]) {
      await signIn(page, parent);
      await page.waitForURL("**/parent");
      await hydrated(page);
      const messages = page.locator("section.notices");
      await messages.getByText(/The centre has cancelled your contact session on .* at \d\d:\d\d: Child unwell\. You will not be charged for it\./).waitFor();
      assert.match(await messages.textContent(), new RegExp(`at ${time}:`));
      if (parent === "visiting") {
        await page.locator("section.sent-items").getByText(/Passed on: /).waitFor();
        // What to pay comes with the centre's own words on how to pay.
        await page.locator("section.to-pay").getByText("Bank transfer to Example Centre, sort code 00-00-00, account 12345678.").waitFor();
        // They choose how the centre tells them; the choice is kept.
        const choice = page.locator("section.message-choice");
        await choice.getByText("The centre has your email address and mobile number.").waitFor();
        await choice.getByLabel("Send me messages by").selectOption("sms");
        await choice.getByRole("button", { name: "Save how I hear" }).click();
        await choice.getByRole("status").filter({ hasText: "Saved." }).waitFor();
        await page.reload();
        await hydrated(page);
        assert.equal(await page.locator("section.message-choice").getByLabel("Send me messages by").inputValue(), "sms");
        await assertPhoneFriendly(page);
        await page.screenshot({ path: `${SCREENSHOTS}parent-messages.png`, fullPage: true });
      } else {
        assert.equal(await page.locator("section.sent-items").count(), 0);
      }
      await signOut(page);
    }

    // A referrer refers a family online and follows it.
    await signIn(page, "referrer");
    await page.waitForURL("**/referrer");
    await page.getByRole("link", { name: "Refer a family" }).click();
    await page.waitForURL("**/referrer/refer");
    await hydrated(page);
    assert.equal(await page.getByLabel("Case reference").count(), 0, "the centre gives the reference");
    await page.getByLabel("You are referring as").selectOption("cafcass");
    await page.getByLabel("First name").fill("Ruby");
    await page.getByLabel("Last name").fill("Hale");
    await page.getByLabel("Date of birth").fill("2020-04-04");
    await page.locator("#ref-resident-name").fill("Amy Hale");
    await page.locator("#ref-visiting-name").fill("Dan Hale");
    await page.getByLabel("Past drug or alcohol problems, now stable").check();
    await page.getByRole("button", { name: "Send referral" }).click();
    await page.getByRole("status").filter({ hasText: "Referral sent. The centre's reference is FAM-0003" }).waitFor();
    await assertPhoneFriendly(page);
    await page.goto("/referrer");
    await page.locator(".referral-status", { hasText: "FAM-0003" }).getByText("Received, waiting for the centre's decision").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}referrer-referrals.png`, fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.stop();
  }
});
