// Two single-idea figures: the JWT inspector of the sessions lesson (`jwt`) and the saga/outbox
// timeline of the monolith lesson (`saga`). Each is used as a learner uses it, at 360 px, one from the keyboard,
// in both languages; the verdicts are the core's (crates/msa-sim/tests/session_jwt.rs and arch_saga.rs pin the
// same cases), bad input gets a message in the page's language, and axe checks each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready, assertAccessible } from './lib.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

const LESSON_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9' +
  '.eyJzdWIiOiIxMDI0IiwibmFtZSI6Ik1pbmEiLCJyb2xlIjoiY3VzdG9tZXIiLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MTczNTY5MDUwMH0' +
  '.AdIwUDG21BCDjcJYmDosoCVlR_UIxyumNLkEius-69Y';

const J = {
  en: {
    valid: 'Valid: the signature matches and the token is good until 2025-01-01 00:15:00 UTC.',
    mismatch: 'Signature mismatch',
    expired: 'Expired: exp is 2025-01-01 00:15:00 UTC and the clock says 2025-01-01 00:30:00 UTC.',
    none: 'alg is "none", an unsigned token.',
    parts: 'a JWT has three parts separated by two dots; this has 2.',
    badChar: 'the payload holds "=" at character',
    json: 'the payload is not valid JSON (line 1, column',
  },
  ko: {
    valid: '유효합니다. 서명이 맞고 2025-01-01 00:15:00 UTC까지 쓸 수 있습니다.',
    mismatch: '서명 불일치',
    expired: '만료됨: exp는 2025-01-01 00:15:00 UTC인데 시계는 2025-01-01 00:30:00 UTC입니다.',
    none: 'alg가 "none", 즉 서명 없는 토큰입니다.',
    parts: 'JWT는 점 두 개로 나뉜 세 부분인데, 이 토큰은 2부분입니다.',
    badChar: '페이로드 부분의',
    json: '페이로드 부분이 올바른 JSON이 아닙니다(1행',
  },
};

/** The marks of the six checks, as the list (the text twin) shows them: pass / fail / skipped. */
async function marks(w) {
  return w.locator('.jwt__step').evaluateAll((els) => els.map((e) => e.className.match(/jwt__step--(\w+)/)[1]));
}

async function verdict(w) {
  return (await w.locator('.jwt__verdict').textContent()).trim();
}

test('the JWT inspector starts from the lesson token, and a forged payload, another secret, the clock and alg none each fail their check (en, 360 px, keyboard)', async () => {
  const page = await newPage(site, { width: 360, height: 800 });
  await page.goto(`${site.base}/en/sessions`);
  await ready(page);
  const w = page.locator('.widget--jwt');
  await w.scrollIntoViewIfNeeded();
  const t = J.en;

  // Exactly the token the lesson prints, verified with the lesson's secret at 00:05.
  const token = w.locator('textarea').first();
  assert.equal(await token.inputValue(), LESSON_TOKEN);
  assert.ok((await verdict(w)).startsWith(t.valid), await verdict(w));
  assert.deepEqual(await marks(w), ['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
  assert.equal((await w.locator('.jwt__part--header .jwt__json').textContent()).trim(), '{"alg":"HS256","typ":"JWT"}');
  const sig = w.locator('.jwt__sig code');
  assert.equal(await sig.nth(0).textContent(), LESSON_TOKEN.split('.')[2]);
  assert.equal(await sig.nth(1).textContent(), LESSON_TOKEN.split('.')[2]);

  // Mina makes herself an admin: only the payload changes; the old signature no longer matches.
  const payload = w.getByLabel('Payload (decoded, editable)');
  const text = await payload.inputValue();
  assert.ok(text.includes('"role":"customer"'));
  await payload.fill(text.replace('customer', 'admin'));
  assert.ok((await verdict(w)).startsWith(t.mismatch), await verdict(w));
  assert.deepEqual(await marks(w), ['pass', 'pass', 'pass', 'pass', 'fail', 'skipped']);
  const forged = (await token.inputValue()).split('.');
  assert.equal(forged[0], LESSON_TOKEN.split('.')[0]);
  assert.notEqual(forged[1], LESSON_TOKEN.split('.')[1]);
  assert.equal(forged[2], LESSON_TOKEN.split('.')[2]);
  assert.notEqual(await sig.nth(1).textContent(), LESSON_TOKEN.split('.')[2]);

  // Whoever holds the secret can sign it, though: re-signed, it verifies.
  await w.getByRole('button', { name: 'Re-sign with this secret' }).click();
  assert.ok((await verdict(w)).startsWith(t.valid), await verdict(w));
  assert.notEqual((await token.inputValue()).split('.')[2], LESSON_TOKEN.split('.')[2]);

  // Back to the lesson's token, from the keyboard; then another secret.
  await w.getByRole('button', { name: "Mina's token (from the lesson)" }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await token.inputValue(), LESSON_TOKEN);
  const secret = w.getByLabel("The server's secret");
  await secret.focus();
  await page.keyboard.press('End');
  await page.keyboard.type('!');
  assert.ok((await verdict(w)).startsWith(t.mismatch), await verdict(w));
  // The weak-key note counts the bytes.
  assert.match(await w.locator('.jwt__controls .jwt__hint').textContent(), /This secret is 21 bytes/);
  await page.keyboard.press('Backspace');
  assert.ok((await verdict(w)).startsWith(t.valid), await verdict(w));

  // The clock, from the keyboard: to its end (00:30), the genuine token has expired; 00:14 is still fine, 00:15
  // is not (exp is the first second it is refused).
  const clock = w.getByLabel("The server's clock");
  await clock.focus();
  await page.keyboard.press('End');
  assert.equal(await verdict(w), `${t.expired} Refused, although the signature matches.`);
  assert.deepEqual(await marks(w), ['pass', 'pass', 'pass', 'pass', 'pass', 'fail']);
  await page.keyboard.press('Home');
  for (let i = 0; i < 14; i++) await page.keyboard.press('ArrowRight');
  assert.ok((await verdict(w)).startsWith(t.valid));
  await page.keyboard.press('ArrowRight');
  assert.ok((await verdict(w)).startsWith('Expired'), await verdict(w));
  await page.keyboard.press('Home');

  // The alg-none forgery is refused at the algorithm check, with the reason, and its claims are still shown.
  await w.getByRole('button', { name: 'Forged: "alg": "none"' }).click();
  assert.ok((await verdict(w)).includes(t.none), await verdict(w));
  assert.deepEqual(await marks(w), ['pass', 'pass', 'fail', 'skipped', 'skipped', 'skipped']);
  assert.ok((await payload.inputValue()).includes('"role":"admin"'));

  // Pasted garbage: a message, never a crash.
  await token.fill('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0');
  assert.ok((await verdict(w)).includes(t.parts), await verdict(w));
  assert.ok(await payload.isDisabled(), 'no payload to edit without three parts');
  const [h, p, s] = LESSON_TOKEN.split('.');
  await token.fill(`${h}.${p}=.${s}`);
  assert.ok((await verdict(w)).includes(t.badChar), await verdict(w));
  await token.fill(`${h}.eyJzdWIiOiAi.${s}`);
  assert.ok((await verdict(w)).includes(t.json), await verdict(w));
  assert.equal(await payload.inputValue(), '{"sub": "', 'the decoded text is shown even when it is not JSON');

  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scroll at 360 px');
  await w.getByRole('button', { name: "Mina's token (from the lesson)" }).click();
  await assertAccessible(page, '/en/sessions with the JWT inspector');
  page.assertClean();
  await page.context().close();
});

test('the JWT inspector speaks Korean, bad input included (ko)', async () => {
  const page = await newPage(site, { locale: 'ko-KR', width: 360, height: 800 });
  await page.goto(`${site.base}/ko/sessions`);
  await ready(page);
  const w = page.locator('.widget--jwt');
  const t = J.ko;
  assert.ok((await verdict(w)).startsWith(t.valid), await verdict(w));
  const payload = w.getByLabel('페이로드(디코딩한 내용, 수정 가능)');
  await payload.fill((await payload.inputValue()).replace('1735690500', '1735776900'));
  assert.ok((await verdict(w)).startsWith(t.mismatch), await verdict(w));
  await w.getByLabel('서버의 시계').focus();
  await page.keyboard.press('End');
  await w.getByRole('button', { name: '미나의 토큰(강의 예제)' }).click();
  assert.ok((await verdict(w)).startsWith(t.expired), await verdict(w));
  await w.getByRole('button', { name: '위조: "alg": "none"' }).click();
  assert.ok((await verdict(w)).includes(t.none), await verdict(w));
  await w.getByLabel('토큰(아무 JWT나 붙여 넣어도 됩니다)').fill('abc.def');
  assert.ok((await verdict(w)).includes(t.parts), await verdict(w));
  await assertAccessible(page, '/ko/sessions with the JWT inspector');
  page.assertClean();
  await page.context().close();
});

const S = {
  en: {
    consistent: 'Consistent:', inconsistent: 'Inconsistent:', fail: 'Which step fails?', point: 'When does a process die?',
    who: 'Whose process dies?', outbox: 'Use an outbox', badLink: "This link's saga settings could not be read",
    paid: 'Mina has paid 23,000 won for an order that will never come.', once: 'the idempotency key kept the card charged 1 time(s).',
  },
  ko: {
    consistent: '일관됨:', inconsistent: '불일치:', fail: '어느 단계가 실패하나요?', point: '프로세스가 언제 죽나요?',
    who: '어느 서비스의 프로세스가 죽나요?', outbox: '아웃박스 사용', badLink: '링크에 담긴 사가 설정을 읽을 수 없어',
    paid: '미나는 오지 않을 주문에 23,000원을 냈습니다.', once: '멱등 키 덕분에 카드 결제는 1번만 되었습니다.',
  },
};

async function log(w) {
  return (await w.locator('.saga__log li').allTextContents()).map((s) => s.trim());
}

async function endState(w) {
  return w.locator('.saga__end tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('td').textContent.trim()));
}

test('the saga: a failing step compensates in reverse, a crash without outbox loses the event, the outbox delivers twice and the key dedupes (en, 360 px, keyboard)', async () => {
  const page = await newPage(site, { width: 360, height: 800 });
  await page.goto(`${site.base}/en/monolith-vs-msa`);
  await ready(page);
  const w = page.locator('.widget--saga');
  await w.scrollIntoViewIfNeeded();
  const t = S.en;
  const outcome = w.locator('.saga__outcome');

  // Nothing fails: nine entries, the order confirmed.
  let entries = await log(w);
  assert.equal(entries.length, 9);
  assert.match(entries[8], /order 1001 CONFIRMED/);
  assert.ok((await outcome.textContent()).startsWith(t.consistent));
  assert.deepEqual(await endState(w), ['CONFIRMED', 'charged', 'reserved', 'rider assigned']);
  // The swimlanes draw the same nine steps.
  assert.equal(await w.locator('.saga__box').count(), 9);

  // From the keyboard: the dish is sold out (none -> payment -> stock).
  await w.getByLabel(t.fail).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  entries = await log(w);
  assert.deepEqual(entries.slice(4), [
    'Stock service receives PaymentApproved and commits a local transaction: sold out, nothing reserved.',
    'Stock service publishes StockSoldOut to the broker.',
    'Payment service receives StockSoldOut and commits a local transaction: compensation: 23,000 won refunded.',
    'Payment service publishes PaymentRefunded to the broker.',
    'Order service receives PaymentRefunded and commits a local transaction: compensation: order 1001 CANCELLED.',
  ]);
  assert.ok((await outcome.textContent()).startsWith(`${t.consistent} the Stock step failed`));
  assert.deepEqual(await endState(w), ['↩ CANCELLED', '↩ refunded', 'sold out', 'nothing recorded']);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');

  // Payment's process dies after charging, before publishing: without an outbox the event is lost.
  await page.keyboard.press('Tab'); // when
  await page.keyboard.press('ArrowDown'); // after the write, before the publish
  await page.keyboard.press('Tab'); // whose
  await page.keyboard.press('ArrowDown'); // order -> payment
  entries = await log(w);
  assert.deepEqual(entries.slice(2), [
    'Payment service receives OrderPlaced and commits a local transaction: the card charged 23,000 won.',
    "Payment service's process dies.",
    'Payment service restarts.',
    "PaymentApproved is lost: it existed only in the dead process's memory, and the restarted Payment service does not know it owes one.",
  ]);
  assert.equal(
    (await outcome.textContent()).trim(),
    `${t.inconsistent} PaymentApproved was lost, so the Stock service never hears of it. Nothing will retry it, and the order stays PENDING for good. ${t.paid}`,
  );
  assert.deepEqual(await endState(w), ['PENDING', 'charged', 'nothing recorded', 'nothing recorded']);
  assert.ok(await w.locator('.saga__outcome--bad').isVisible());

  // The outbox, with the space bar: the row was committed with the charge, and the relay publishes it after the restart.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.ok(await w.getByLabel(t.outbox).isChecked());
  entries = await log(w);
  assert.equal(entries[2], 'Payment service receives OrderPlaced and commits a local transaction: the card charged 23,000 won. In the same transaction it writes PaymentApproved to its outbox table.');
  assert.equal(entries[5], "Payment service's outbox relay publishes PaymentApproved to the broker.");
  assert.ok((await outcome.textContent()).startsWith(t.consistent));
  assert.deepEqual(await endState(w), ['CONFIRMED', 'charged', 'reserved', 'rider assigned']);

  // Dying after the publish instead: the relay sends it again, and stock ignores the repeat by its key.
  await w.getByLabel(t.point).selectOption('after');
  entries = await log(w);
  assert.ok(entries.includes("Payment service's outbox relay publishes PaymentApproved again: it died before marking the row sent, so the row still looks unsent."));
  assert.ok(entries.includes('Stock service receives PaymentApproved a second time and ignores it: key PaymentApproved/1001 is already in its table of processed events.'));
  assert.ok((await outcome.textContent()).includes(t.once));
  assert.equal(await w.locator('.saga__entry--dup').count(), 1);

  // The state is in the address, and a reload keeps it.
  assert.match(page.url(), /saga=f%3Anone%2Cc%3Apayment%2Cp%3Aafter%2Co%3A1/);
  await page.reload();
  await ready(page);
  assert.equal(await page.locator('.widget--saga .saga__entry--dup').count(), 1);

  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scroll at 360 px');
  await assertAccessible(page, '/en/monolith-vs-msa with the saga');
  page.assertClean();
  await page.context().close();
});

test('the saga in Korean, a malformed link, and reduced motion (ko)', async () => {
  const page = await newPage(site, { locale: 'ko-KR', width: 360, height: 800, reducedMotion: 'reduce' });
  await page.goto(`${site.base}/ko/monolith-vs-msa?saga=f:kitchen`);
  await ready(page);
  const w = page.locator('.widget--saga');
  const t = S.ko;
  assert.ok((await w.getByRole('alert').textContent()).startsWith(t.badLink));
  assert.ok((await w.locator('.saga__outcome').textContent()).startsWith(t.consistent));
  await w.getByLabel(t.point).selectOption('before');
  await w.getByLabel(t.who).selectOption('order');
  assert.ok((await w.locator('.saga__outcome').textContent()).startsWith(`${t.inconsistent} OrderPlaced 이벤트가 유실되어 결제 서비스는`));
  assert.equal(await w.getByRole('alert').count(), 0, 'the message goes once the learner changes something');
  await w.getByLabel(t.outbox).check();
  assert.ok((await w.locator('.saga__outcome').textContent()).startsWith(t.consistent));
  // No entrance animation under reduced motion.
  assert.equal(await w.locator('.saga__box').first().evaluate((e) => getComputedStyle(e).animationName), 'none');
  await assertAccessible(page, '/ko/monolith-vs-msa with the saga');
  page.assertClean();
  await page.context().close();
});
