/**
 * A Server-Sent Events client for the stream tests: opens `GET /api/v1/stream` on a listening
 * server with node's http client, keeps every byte received (to search for what must never be
 * sent) and parses the frames (`event:`, `data:`; comments and `retry:` skipped).
 */
import { request, type IncomingMessage } from 'node:http';

export interface SseFrame {
  readonly event: string;
  readonly data: string;
  /** When the frame was complete (ms, performance clock). */
  readonly receivedAt: number;
}

export class SseClient {
  /** Everything received, as text. */
  raw = '';
  readonly frames: SseFrame[] = [];
  #pending = '';
  #ended = false;
  readonly #waiters = new Set<() => void>();

  private constructor(
    readonly status: number,
    readonly headers: IncomingMessage['headers'],
    private readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.raw += chunk;
      this.#pending += chunk;
      let end: number;
      while ((end = this.#pending.indexOf('\n\n')) >= 0) {
        const block = this.#pending.slice(0, end);
        this.#pending = this.#pending.slice(end + 2);
        this.#frame(block);
      }
      this.#wake();
    });
    response.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  /** Connects; resolves once the response headers arrive. */
  static open(baseUrl: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${baseUrl}/api/v1/stream`,
        { headers: { accept: 'text/event-stream', ...headers } },
        (response) => {
          resolve(new SseClient(response.statusCode ?? 0, response.headers, response));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The parsed data of every frame of this event type so far. */
  all(event: string): unknown[] {
    return this.frames.filter((f) => f.event === event).map((f) => JSON.parse(f.data) as unknown);
  }

  /** Waits for the first frame (from index `from`) matching `match`; rejects after `timeoutMs`. */
  async next(match: (frame: SseFrame) => boolean, timeoutMs = 3_000, from = 0): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found !== undefined) return found;
      if (this.#ended) throw new Error(`the stream ended before the frame came; received:\n${this.raw}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such frame within ${timeoutMs} ms; received:\n${this.raw}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#waiters.delete(wake);
          resolve();
        }, left);
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      });
    }
  }

  /** The whole body of a response that is not a stream (an error answer). */
  async body(): Promise<string> {
    while (!this.#ended) await new Promise<void>((resolve) => this.#waiters.add(resolve));
    return this.raw;
  }

  /** Closes the connection from the client side. */
  close(): void {
    this.response.destroy();
  }

  #frame(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) this.frames.push({ event, data: data.join('\n'), receivedAt: performance.now() });
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
