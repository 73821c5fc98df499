// The two clients of the decode benchmark, each started fresh for a pass (a new connection:
// new zlib streams) with `start(stage, target)`, where target is 'canvas' (draw as in use) or
// 'memory' (an RGBA framebuffer in memory, so the decoders alone are compared). A started
// client has `feed(arrayBuffer)` (one WebSocket message), `finish()` (anything drawing left
// undone, done), `frame()` (its final RGBA), `updates()`, `failure()` and `stop()`.
import { Replay } from '/pkg/decode_bench.js';
import RFB from '/novnc/core/rfb.js';
import Display from '/novnc/core/display.js';

/** Our client: `Replay` (the RFB client and the console's canvas layer, as WASM). */
export function ours(stage, target) {
  const canvas = document.createElement('canvas');
  let replay;
  if (target === 'canvas') {
    stage.append(canvas);
    replay = new Replay(canvas);
  } else {
    replay = Replay.in_memory();
  }
  return {
    feed: buffer => replay.feed(new Uint8Array(buffer)),
    finish: () => target === 'canvas' && rasterise(canvas),
    frame: () => (target === 'canvas' ? canvasFrame(canvas) : {
      width: replay.width(),
      height: replay.height(),
      rgba: replay.rgba(),
    }),
    updates: () => replay.updates(),
    failure: () => null,
    stop() {
      replay.free();
      canvas.remove();
    },
  };
}

/** noVNC: its RFB class over a stand-in channel that hands it our messages and counts the
 *  incremental FramebufferUpdateRequests it answers each finished update with. */
export function novnc(stage, target) {
  let requests = 0;
  let failure = null;
  let stopping = false;
  const channel = {
    binaryType: 'arraybuffer',
    protocol: '',
    readyState: 'open',
    onopen: null,
    onmessage: null,
    onerror: null,
    onclose: null,
    send(bytes) {
      if (bytes.length === 10 && bytes[0] === 3 && bytes[1] === 1) requests += 1;
    },
    close() {
      // A socket's close event comes later, never from inside close(): noVNC counts on it.
      this.readyState = 'closing';
      queueMicrotask(() => {
        this.readyState = 'closed';
        this.onclose?.({ code: 1000, reason: '' });
      });
    },
  };
  const rfb = new RFB(stage, channel);
  rfb.addEventListener('disconnect', e => {
    if (!stopping) failure = `noVNC disconnected: ${JSON.stringify(e.detail)}`;
  });
  const canvas = stage.querySelector('canvas');
  let memory = null;
  if (target === 'memory') {
    // Nothing has been drawn yet: its Display is swapped for one drawing into memory.
    memory = new MemoryDisplay(canvas);
    rfb._display = memory;
  }
  return {
    feed: buffer => channel.onmessage({ data: buffer }),
    finish: () => target === 'canvas' && rasterise(canvas),
    frame: () => (memory ? { width: memory.fbWidth, height: memory.fbHeight, rgba: memory.rgba } : canvasFrame(canvas)),
    updates: () => requests,
    failure: () => failure,
    stop() {
      stopping = true;
      rfb.disconnect();
    },
  };
}

/** Rows shorter than this many bytes are copied byte by byte. */
const SHORT_LINE = 256;

/** noVNC's Display, its drawing done in an RGBA framebuffer in memory (as ours does in
 *  `Framebuffer`): rows filled and copied with typed-array calls, nothing on a canvas. */
class MemoryDisplay extends Display {
  resize(width, height) {
    super.resize(width, height);
    this.fbWidth = width;
    this.fbHeight = height;
    this.rgba = new Uint8ClampedArray(width * height * 4);
    this.words = new Uint32Array(this.rgba.buffer);
  }

  fillRect(x, y, width, height, color) {
    // little-endian: the word's low byte is red
    const word = (color[0] | (color[1] << 8) | (color[2] << 16) | (255 << 24)) >>> 0;
    for (let row = y; row < y + height; row += 1) {
      const at = row * this.fbWidth + x;
      this.words.fill(word, at, at + width);
    }
  }

  blitImage(x, y, width, height, arr, offset) {
    const line = width * 4;
    const rgba = this.rgba;
    for (let row = 0; row < height; row += 1) {
      const from = offset + row * line;
      const to = ((y + row) * this.fbWidth + x) * 4;
      if (line >= SHORT_LINE) {
        rgba.set(arr.subarray(from, from + line), to);
      } else {
        // a tile's short rows: a loop beats making a view per row
        for (let i = 0; i < line; i += 1) rgba[to + i] = arr[from + i];
      }
    }
  }

  copyImage(oldX, oldY, newX, newY, width, height) {
    const rows = [...Array(height).keys()];
    // copying down, start from the bottom so no source row is overwritten first
    if (newY > oldY) rows.reverse();
    for (const row of rows) {
      const from = ((oldY + row) * this.fbWidth + oldX) * 4;
      this.rgba.copyWithin(((newY + row) * this.fbWidth + newX) * 4, from, from + width * 4);
    }
  }

  flip() {}
}

/** Makes the browser finish drawing that it may have deferred, by reading a pixel. */
function rasterise(canvas) {
  canvas.getContext('2d').getImageData(0, 0, 1, 1);
}

function canvasFrame(canvas) {
  const { width, height } = canvas;
  const rgba = width * height > 0
    ? canvas.getContext('2d').getImageData(0, 0, width, height).data
    : new Uint8ClampedArray(0);
  return { width, height, rgba };
}
