// The decode benchmark's page script (driven by tests/testkit/src/bench/decode/): replays one
// recorded QEMU session through our RFB client and through noVNC's (see clients.js), on the
// same messages, timed the same way. `window.decodeBench(encoding, lengths, target, timing)`
// resolves to the figures and the checks that both did the same work.
import init from '/pkg/decode_bench.js';
import { novnc, ours } from './clients.js';

/** A round stops after this many passes even if short of its ms (it never is, in practice). */
const MAX_PASSES = 100000;
const CLIENTS = { ours, novnc };

const stage = document.getElementById('stage');

/** Errors and warnings either client logged (each costs time, so they are reported). */
let logged = 0;
for (const level of ['error', 'warn']) {
  const original = console[level];
  console[level] = (...args) => {
    logged += 1;
    original(...args);
  };
}

/** Lets the browser run what it queued (GC, painting) outside the timed part. */
function yieldToBrowser() {
  return new Promise(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(null);
  });
}

/** One pass: a new connection fed every message, timed until all is drawn. */
async function pass(start, target, messages) {
  const client = start(stage, target);
  stage.getBoundingClientRect(); // lay the new elements out before the clock starts
  const t0 = performance.now();
  for (const message of messages) client.feed(message);
  client.finish();
  const ms = performance.now() - t0;
  client.stop();
  await yieldToBrowser();
  return ms;
}

/** At least one pass, and more until `minMs` have passed. */
async function round(start, target, messages, minMs) {
  let ms = 0;
  let passes = 0;
  do {
    ms += await pass(start, target, messages);
    passes += 1;
  } while (ms < minMs && passes < MAX_PASSES);
  return { passes, ms };
}

/** One untimed pass: the final frame, the updates counted and any failure. */
async function outcome(name, start, target, messages) {
  const client = start(stage, target);
  let failure = null;
  try {
    messages.forEach(m => client.feed(m));
  } catch (e) {
    failure = `${name}: ${e}`;
  }
  const result = { ...client.frame(), updates: client.updates(), failure: failure ?? client.failure() };
  client.stop();
  await yieldToBrowser();
  return result;
}

function differingPixels(a, b) {
  let count = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) {
      count += 1;
    }
  }
  return count;
}

/** Replays `qemu-boot-${encoding}.bin`, cut into messages of these `lengths`, drawing on
 *  `target` ('canvas' or 'memory'). Each side is timed in `timing.rounds` alternating rounds
 *  of at least `timing.roundMs` of decoding, after `timing.warmupMs` of untimed passes, so
 *  both JITs (V8's for noVNC, its WASM tiers for ours) are warm. */
window.decodeBench = async (encoding, lengths, target, timing) => {
  logged = 0;
  const response = await fetch(`/sessions/qemu-boot-${encoding}.bin`);
  const session = new Uint8Array(await response.arrayBuffer());
  const messages = [];
  let at = 0;
  for (const length of lengths) {
    messages.push(session.slice(at, at + length).buffer);
    at += length;
  }
  if (at !== session.length) throw new Error(`messages cover ${at} of ${session.length} bytes`);
  const ends = {};
  for (const [name, start] of Object.entries(CLIENTS)) {
    ends[name] = await outcome(name, start, target, messages);
  }
  const check = {
    size: [ends.ours, ends.novnc].map(f => `${f.width}x${f.height}`),
    updates: [ends.ours.updates, ends.novnc.updates],
    failures: [ends.ours.failure, ends.novnc.failure].filter(f => f),
    differing:
      ends.ours.rgba.length === ends.novnc.rgba.length
        ? differingPixels(ends.ours.rgba, ends.novnc.rgba)
        : null,
  };
  if (timing.warmupMs > 0) {
    for (const start of Object.values(CLIENTS)) await round(start, target, messages, timing.warmupMs);
  }
  const rounds = { ours: [], novnc: [] };
  for (let i = 0; i < timing.rounds; i += 1) {
    // alternate who goes first, so neither always runs on the other's leftovers
    const order = i % 2 === 0 ? ['ours', 'novnc'] : ['novnc', 'ours'];
    for (const name of order) {
      rounds[name].push(await round(CLIENTS[name], target, messages, timing.roundMs));
    }
  }
  return { check, rounds, logged };
};

await init();
window.decodeBenchReady = true;
