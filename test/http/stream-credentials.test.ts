/**
 * An open event stream lives only as long as its credential (README, Users and sign-in: disabling
 * "ends their sessions at once", revoking "takes effect at the next request"): revoking the
 * token, disabling the user, resetting their password, signing out or the session expiring ends
 * the stream, which then carries none of the reports appended after; a changed clearance ends
 * it too, so the client reconnects with its new rights. A stream whose credential still holds
 * goes on as before.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RECHECK_EVERY_MS } from '../../src/http/live.js';
import { SseClient } from './ntk-sse-client.js';
import { SQLITE, startTestServer, tinyReport, type Caller, type TestServer } from './server-fixture.js';

/** How soon a stream must end once its credential has. */
const PROMPTLY_MS = 1_000;
const IDLE_MS = 8 * 3_600_000;

describe('an open stream and its credential', () => {
  let s: TestServer;
  let base: string;
  let analyst: Caller;
  let admin: Caller;
  let control: SseClient;
  const open: SseClient[] = [];
  let reports = 0;

  const connect = async (caller: Caller): Promise<SseClient> => {
    const client = await SseClient.open(base, caller.headers);
    open.push(client);
    expect(client.status).toBe(200);
    await client.next((f) => f.event === 'hello');
    return client;
  };
  /** Posts a TOP SECRET report whose text is `marker`; the control stream receives it. */
  const postSecret = async (marker: string) => {
    s.clock.set(s.clock.now().getTime() + 60_000);
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: analyst.headers,
      payload: tinyReport(`cred-${++reports}`, s, { classification: 'TOP SECRET', text: marker }),
    });
    expect(response.statusCode, response.body).toBe(201);
    await control.next((f) => f.event === 'report' && f.data.includes(marker));
  };
  const waitEnded = async (client: SseClient, withinMs = PROMPTLY_MS) => {
    const deadline = Date.now() + withinMs;
    while (!client.ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.ended, `the stream is still open ${withinMs} ms after its credential ended`).toBe(true);
  };
  const tokenId = async (name: string) => (await s.accounts.listTokens()).find((t) => t.name === name)!.id;

  beforeAll(async () => {
    s = await startTestServer(SQLITE, { signInPerMinute: 1_000 });
    base = await s.app.listen({ port: 0, host: '127.0.0.1' });
    analyst = await s.tokenWith('cred-analyst', ['analyst'], 'TOP SECRET');
    admin = await s.tokenWith('cred-admin', ['admin'], 'TOP SECRET');
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(async () => {
    await s?.close();
  });

  const cases: {
    name: string;
    open: (tag: string) => Promise<Caller>;
    end: (tag: string, caller: Caller) => Promise<void>;
  }[] = [
    {
      name: 'the token is revoked (DELETE /api/v1/tokens/{id})',
      open: (tag) => s.tokenWith(tag, ['viewer'], 'TOP SECRET'),
      end: async (tag) => {
        const r = await s.app.inject({
          method: 'DELETE',
          url: `/api/v1/tokens/${await tokenId(tag)}`,
          headers: admin.headers,
        });
        expect(r.statusCode, r.body).toBe(200);
      },
    },
    {
      name: 'the user is disabled',
      open: (tag) => s.userWith(tag, ['viewer'], 'TOP SECRET'),
      end: async (tag) => {
        const r = await s.app.inject({
          method: 'POST',
          url: `/api/v1/users/${tag}/disable`,
          headers: admin.headers,
        });
        expect(r.statusCode, r.body).toBe(200);
      },
    },
    {
      name: "the user's password is reset",
      open: (tag) => s.userWith(tag, ['viewer'], 'TOP SECRET'),
      end: async (tag) => {
        const r = await s.app.inject({
          method: 'POST',
          url: `/api/v1/users/${tag}/password`,
          headers: admin.headers,
          payload: {},
        });
        expect(r.statusCode, r.body).toBe(200);
      },
    },
    {
      name: 'the user signs out',
      open: (tag) => s.userWith(tag, ['viewer'], 'TOP SECRET'),
      end: async (_tag, caller) => {
        const r = await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: caller.headers });
        expect(r.statusCode, r.body).toBe(204);
      },
    },
  ];

  describe('ends promptly, and carries no report appended after, when', () => {
    beforeAll(async () => {
      control = await SseClient.open(
        base,
        (await s.tokenWith('cred-control', ['viewer'], 'TOP SECRET')).headers,
      );
      await control.next((f) => f.event === 'hello');
    });
    afterAll(() => control.close());

    for (const [k, c] of cases.entries()) {
      it(c.name, async () => {
        const tag = `cred-reader-${k}`;
        const caller = await c.open(tag);
        const stream = await connect(caller);
        await postSecret(`before-end-${k}`);
        await stream.next((f) => f.event === 'report' && f.data.includes(`before-end-${k}`));

        await c.end(tag, caller);
        await waitEnded(stream);
        await postSecret(`after-end-${k}`);
        expect(stream.raw).not.toContain(`after-end-${k}`);
        // And a new stream on the same credential is refused.
        const again = await SseClient.open(base, caller.headers);
        open.push(again);
        expect(again.status).toBe(401);
      });
    }

    it('the credential lapses without an event: checked again before anything is sent', async () => {
      // A token revoked in the table by another process (whose event this one has not read):
      // its row, cached for at most TOKEN_RECHECK_MS (the report comes a minute later), is read
      // again before the report is sent.
      const tag = 'cred-reader-elsewhere';
      const stream = await connect(await s.tokenWith(tag, ['viewer'], 'TOP SECRET'));
      await s.store.db.run('UPDATE auth_tokens SET revoked_ms = ? WHERE id = ?', [
        s.clock.now().getTime(),
        await tokenId(tag),
      ]);
      await postSecret('after-elsewhere');
      await waitEnded(stream);
      expect(stream.raw).not.toContain('after-elsewhere');
    });

    it('the user is cleared lower: the stream ends, and the reconnected one is bounded by the new clearance', async () => {
      const tag = 'cred-reader-lowered';
      const caller = await s.userWith(tag, ['viewer'], 'TOP SECRET');
      const stream = await connect(caller);
      // No route changes a clearance; another tool writing the row stands for one.
      await s.store.db.run("UPDATE auth_users SET clearance = 'SECRET' WHERE username = ?", [tag]);
      await postSecret('after-lowered');
      await waitEnded(stream);
      expect(stream.raw).not.toContain('after-lowered');

      const reconnected = await connect(caller);
      await postSecret('after-reconnect');
      await reconnected.next((f) => f.event === 'withheld');
      expect(reconnected.raw).not.toContain('after-reconnect');
    });

    it('a stream whose credential still holds goes on receiving', async () => {
      const stream = await connect(await s.userWith('cred-reader-still', ['viewer'], 'TOP SECRET'));
      await postSecret('still-valid');
      await stream.next((f) => f.event === 'report' && f.data.includes('still-valid'));
      expect(stream.ended).toBe(false);
    });

    // Last: it moves the clock past every session's idle limit.
    it('the session expires (8 hours unused): the stream ends before the next report', async () => {
      const stream = await connect(await s.userWith('cred-reader-expiring', ['viewer'], 'TOP SECRET'));
      s.clock.set(s.clock.now().getTime() + IDLE_MS);
      await postSecret('after-expiry');
      await waitEnded(stream);
      expect(stream.raw).not.toContain('after-expiry');
    });
  });
});

describe('a stream whose session expires while nothing is sent', () => {
  it(`ends within RECHECK_EVERY_MS (${RECHECK_EVERY_MS} ms)`, async () => {
    // Only the intervals are faked: the sockets and the store keep real time.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const s = await startTestServer(SQLITE);
    try {
      const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
      const stream = await SseClient.open(
        base,
        (await s.userWith('idle-reader', ['viewer'], 'SECRET')).headers,
      );
      await stream.next((f) => f.event === 'hello');
      s.clock.set(s.clock.now().getTime() + IDLE_MS);
      await vi.advanceTimersByTimeAsync(RECHECK_EVERY_MS - 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stream.ended).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const deadline = Date.now() + PROMPTLY_MS;
      while (!stream.ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(stream.ended).toBe(true);
      expect(s.context.live.size).toBe(0);
    } finally {
      vi.useRealTimers();
      await s.close();
    }
  });
});
