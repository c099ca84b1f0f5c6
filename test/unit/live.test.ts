import express from 'express';
import { EventStreamParser } from '../../api/console/src/sse';
import { LiveFeed, streamEvents } from '../../api/live';
import { serveOnLoopback } from '../support/http';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the console SSE parser', () => {
  test('events split across chunks anywhere, comments skipped, CRLF accepted', () => {
    const parser = new EventStreamParser();
    const text =
      ': keep-alive\r\n\r\nid: 1\nevent: incidents\ndata: {"a":\ndata: 1}\n\nid: 2\nevent: problem\ndata: {"m":"x"}\n\n';
    const events = [...text].flatMap((ch) => parser.push(ch));
    expect(events).toEqual([
      { id: '1', event: 'incidents', data: '{"a":\n1}' },
      { id: '2', event: 'problem', data: '{"m":"x"}' },
    ]);
  });
});

describe('LiveFeed', () => {
  test('one read per interval however many watch; only changes are pushed; the last one out stops it', async () => {
    const feed = new LiveFeed(20);
    let reads = 0;
    let value = 1;
    const read = async () => {
      reads += 1;
      return { value };
    };
    const a: string[] = [];
    const b: string[] = [];
    const stopA = feed.subscribe('k', 'v', read, (_e, json) => a.push(json));
    await sleep(5);
    const stopB = feed.subscribe('k', 'v', read, (_e, json) => b.push(json));
    await sleep(100);
    value = 2;
    await sleep(60);
    stopA();
    stopB();
    const readsAtStop = reads;
    await sleep(80);
    expect(reads).toBe(readsAtStop);
    expect(feed.watched).toBe(0);
    expect(a).toEqual(['{"value":1}', '{"value":2}']);
    expect(b).toEqual(['{"value":1}', '{"value":2}']);
    // Roughly one read per 20 ms over ~165 ms, not one per subscriber.
    expect(reads).toBeLessThan(14);
  });

  test('a failing read is pushed as a problem event, and the stream recovers', async () => {
    const feed = new LiveFeed(10);
    let fail = true;
    const seen: string[] = [];
    const stop = feed.subscribe(
      'k',
      'v',
      async () => {
        if (fail) throw new Error('temporal unavailable');
        return 'ok';
      },
      (event) => seen.push(event),
    );
    await sleep(40);
    fail = false;
    await sleep(40);
    stop();
    expect(seen).toEqual(['problem', 'v']);
  });

  test('over HTTP: text/event-stream, and ?once=true ends after the first snapshot', async () => {
    const feed = new LiveFeed(10);
    const app = express();
    app.get('/s', (req, res) => streamEvents(req, res, feed, 'k', 'snapshot', async () => ({ n: 1 })));
    const served = await serveOnLoopback(app);
    try {
      const res = await fetch(`${served.origin}/s?once=true`);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await res.text()).toBe('id: 1\nevent: snapshot\ndata: {"n":1}\n\n');
      await sleep(30);
      expect(feed.watched).toBe(0);
    } finally {
      served.close();
    }
  });
});
