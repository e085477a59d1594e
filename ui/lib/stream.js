import { headers } from './api.js';

/**
 * Reads /_mock/requests/stream with fetch (EventSource cannot send the control token) and hands
 * each batch of entries to onBatch. Reconnects with the last id after a drop. Returns stop().
 */
export function followJournal({ onBatch, onDropped, onState }) {
  let stopped = false;
  let lastId = null;
  let controller;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(`/_mock/requests/stream${lastId ? `?after=${encodeURIComponent(lastId)}` : ''}`, { headers: headers(), signal: controller.signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        onState?.('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.+)$/m.exec(block)?.[1];
            const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            const id = /^id: (.+)$/m.exec(block)?.[1];
            if (id) lastId = id;
            if (event === 'requests' && data) onBatch(JSON.parse(data));
            if (event === 'dropped' && data) onDropped?.(JSON.parse(data).dropped);
          }
        }
      } catch (e) {
        if (stopped) return;
        onState?.(`reconnecting (${e.message})`);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  };
  run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
