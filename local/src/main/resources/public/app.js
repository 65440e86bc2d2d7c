// prepaid local demo: plain JavaScript, no build step. Everything goes through the same API routes an app
// would call (through the local API Gateway stand-in), plus two local-only helpers: POST /dev/token (the
// local identity provider) and POST /demo/generate-video (the demo app's backend).
'use strict';

const STORAGE_KEY = 'prepaid-demo-session';
const VIDEO_COST = 20;
const $ = (selector) => document.querySelector(selector);

const state = { user: null, token: null, plans: [] };

const LABELS = {
  purchase: 'Credit pack',
  subscription_grant: 'Subscription credits',
  usage: 'Used',
  usage_refund: 'Refund of usage',
  clawback: 'Payment refunded',
  clawback_reversal: 'Dispute won',
  adjustment: 'Adjustment',
};

// ---- helpers ---------------------------------------------------------------------------------------

function credits(value) {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(Number(value));
}

function money(amount, currency) {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: (currency || 'usd').toUpperCase() }).format(amount);
  } catch (e) {
    return amount + ' ' + currency;
  }
}

function when(iso) {
  const date = new Date(iso);
  return isNaN(date) ? iso : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

function say(text, kind) {
  const box = $('#message');
  box.textContent = text;
  box.className = kind || 'info';
  box.hidden = !text;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function newKey() {
  if (window.crypto && crypto.randomUUID) {
    return crypto.randomUUID();
  }
  return 'k-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
}

function tokenExpiry(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).exp * 1000;
  } catch (e) {
    return 0;
  }
}

/** fetch with the user's token; resolves to {status, body, headers} (body parsed when JSON). */
async function call(method, path, body, extraHeaders) {
  const headers = Object.assign({}, extraHeaders || {});
  if (state.token) {
    headers.authorization = 'Bearer ' + state.token;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { status: 0, body: { message: 'The local server is not answering. Is ./run-local still running?' }, headers: new Headers() };
  }
  let parsed = null;
  const text = await response.text();
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (e) {
    parsed = { message: text };
  }
  if (response.status === 401 && path.startsWith('/api/') && state.token) {
    signOut('Your session has expired. Sign in again.');
  }
  return { status: response.status, body: parsed || {}, headers: response.headers };
}

function problem(reply, fallback) {
  if (reply.status === 402) {
    const have = reply.body.balance !== undefined ? credits(reply.body.balance) : '?';
    const need = reply.body.required !== undefined ? credits(reply.body.required) : VIDEO_COST;
    return 'Not enough credits: you have ' + have + ', this needs ' + need + '. Buy more below.';
  }
  if (reply.status === 429) {
    const seconds = reply.headers.get('retry-after') || '60';
    return 'Too many orders, try again in ' + seconds + ' seconds';
  }
  if (reply.status === 0) {
    return reply.body.message;
  }
  return (fallback ? fallback + ': ' : '') + (reply.body.message || ('HTTP ' + reply.status));
}

// ---- session ---------------------------------------------------------------------------------------

function restore() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null');
    if (saved && saved.token && tokenExpiry(saved.token) > Date.now() + 5000) {
      state.user = saved.user;
      state.token = saved.token;
    }
  } catch (e) {
    localStorage.removeItem(STORAGE_KEY);
  }
}

async function signIn(name) {
  const reply = await call('POST', '/dev/token', { sub: name });
  if (reply.status !== 200) {
    say(problem(reply, 'Could not sign in'), 'error');
    return;
  }
  state.user = name;
  state.token = reply.body.token;
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ user: name, token: state.token }));
  say('');
  render();
  await refresh();
}

function signOut(message) {
  state.user = null;
  state.token = null;
  localStorage.removeItem(STORAGE_KEY);
  render();
  say(message || '', message ? 'info' : undefined);
}

function render() {
  const signedIn = !!state.token;
  $('#signin').hidden = signedIn;
  $('#app').hidden = !signedIn;
  $('#account').hidden = !signedIn;
  $('#who').textContent = state.user || '';
  if (!signedIn) {
    $('#name').focus();
  }
}

// ---- data ------------------------------------------------------------------------------------------

async function loadPlans() {
  const reply = await call('GET', '/api/credits/plans');
  const box = $('#plans');
  if (reply.status !== 200) {
    box.innerHTML = '';
    box.append(paragraph(problem(reply, 'Could not load the plans'), 'muted'));
    return;
  }
  state.plans = reply.body.plans || [];
  box.innerHTML = '';
  for (const plan of state.plans) {
    const card = document.createElement('div');
    card.className = 'plan';
    card.dataset.product = plan.id;
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = plan.name;
    const price = document.createElement('div');
    price.className = 'price';
    price.textContent = money(plan.price, plan.currency);
    if (plan.interval) {
      const per = document.createElement('span');
      per.className = 'per';
      per.textContent = ' / ' + plan.interval;
      price.append(per);
    }
    const amount = document.createElement('div');
    amount.className = 'credits';
    amount.textContent = credits(plan.credits) + ' credits' + (plan.type === 'subscription' ? ' every ' + (plan.interval || 'period') : ', once');
    const buy = document.createElement('button');
    buy.type = 'button';
    buy.className = 'primary buy';
    buy.dataset.product = plan.id;
    buy.textContent = 'Buy ' + plan.name;
    buy.addEventListener('click', () => buyPlan(plan, buy));
    card.append(name, price, amount, buy);
    box.append(card);
  }
  if (!state.plans.length) {
    box.append(paragraph('No plans in the catalog.', 'muted'));
  }
}

function paragraph(text, className) {
  const p = document.createElement('p');
  p.className = className || '';
  p.textContent = text;
  return p;
}

async function refresh() {
  if (!state.token) {
    return null;
  }
  const [balance, history] = await Promise.all([
    call('GET', '/api/credits/balance'),
    call('GET', '/api/credits/transactions?limit=10'),
  ]);
  let value = null;
  if (balance.status === 200) {
    value = Number(balance.body.balance);
    $('#balance').textContent = credits(value);
  }
  if (history.status === 200) {
    renderHistory(history.body.items || []);
  }
  return value;
}

function renderHistory(items) {
  const rows = $('#history-rows');
  rows.innerHTML = '';
  if (!items.length) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 4;
    td.className = 'muted';
    td.textContent = 'Nothing yet. Buy a pack to get started.';
    tr.append(td);
    rows.append(tr);
    return;
  }
  for (const item of items) {
    const tr = document.createElement('tr');
    const amount = Number(item.amount);
    const what = (LABELS[item.type] || item.type) + (item.operation ? ': ' + item.operation.replace(/_/g, ' ') : '')
      + (item.description && !item.operation ? ' · ' + item.description : '');
    const cells = [when(item.createdAt), what, (amount > 0 ? '+' : '') + credits(amount), credits(item.balanceAfter)];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i >= 2) {
        td.className = 'num' + (i === 2 ? (amount >= 0 ? ' plus' : ' minus') : '');
      }
      tr.append(td);
    });
    rows.append(tr);
  }
}

// ---- actions ---------------------------------------------------------------------------------------

async function buyPlan(plan, button) {
  button.disabled = true;
  say('Opening the checkout for ' + plan.name + '…', 'info');
  const reply = await call('POST', '/api/payment/create-order', { productId: plan.id }, { 'idempotency-key': newKey() });
  if (reply.status === 201 && reply.body.paymentUrl) {
    window.location.href = reply.body.paymentUrl;
    return;
  }
  button.disabled = false;
  say(problem(reply, 'Could not start the purchase'), 'error');
}

async function generateVideo() {
  const button = $('#generate');
  button.disabled = true;
  try {
    const failing = $('#simulate-failure') && $('#simulate-failure').checked;
    const reply = await call('POST', '/demo/generate-video' + (failing ? '?fail=true' : ''));
    if (reply.status === 502 && reply.body && reply.body.error === 'video_failed') {
      say('The render failed: the hold of ' + credits(reply.body.released) + ' credits was released, nothing used.', 'error');
      await refresh();
    } else if (reply.status === 200) {
      $('#balance').textContent = credits(reply.body.balance);
      say('Video on its way (' + reply.body.videoId + '): ' + credits(Math.abs(Number(reply.body.amount))) + ' credits used, '
        + credits(reply.body.balance) + ' left.', 'ok');
      await refresh();
    } else {
      say(problem(reply, 'Could not generate the video'), 'error');
      if (reply.status === 402) {
        await refresh();
      }
    }
  } finally {
    button.disabled = false;
  }
}

/** Back from the checkout: ?purchase=success&orderId=...&status=... or ?purchase=cancel. */
async function afterCheckout() {
  const params = new URLSearchParams(window.location.search);
  const outcome = params.get('purchase');
  if (!outcome) {
    return;
  }
  history.replaceState(null, '', '/');
  if (outcome !== 'success') {
    const status = params.get('status');
    say(status === 'canceled' || status === 'expired' || !status
      ? 'Checkout canceled. Nothing was charged.'
      : 'The payment did not go through (' + status + '). Nothing was charged.', 'info');
    return;
  }
  const orderId = params.get('orderId');
  if (!state.token || !orderId) {
    say('Payment received.', 'ok');
    return;
  }
  say('Payment received. Adding your credits…', 'info');
  // Fulfilment is asynchronous (webhook -> queue -> fulfilment function): poll the order a few times.
  for (let attempt = 0; attempt < 20; attempt++) {
    const order = await call('GET', '/api/payment/orders/' + encodeURIComponent(orderId));
    if (order.status === 200 && order.body.status === 'completed') {
      await refresh();
      const plan = state.plans.find((p) => p.id === order.body.productId);
      say('Thanks! ' + credits(order.body.credits) + ' credits added' + (plan ? ' (' + plan.name + ')' : '') + '.', 'ok');
      return;
    }
    if (order.status !== 200 && order.status !== 404) {
      break;
    }
    await sleep(500);
  }
  await refresh();
  say('Payment received. Your credits are still on their way: refresh in a moment.', 'info');
}

// ---- start -----------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', async () => {
  $('#signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('#name').value.trim();
    if (name) {
      signIn(name);
    }
  });
  $('#signout').addEventListener('click', () => signOut());
  $('#generate').addEventListener('click', generateVideo);
  $('#refresh').addEventListener('click', refresh);
  restore();
  render();
  await loadPlans();
  if (state.token) {
    await refresh();
  }
  await afterCheckout();
});
