import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** One answer as it came over the wire. */
export interface Http1Answer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection, kept alive between requests, written and read byte by byte: a test can
 * send part of a request, see exactly which answers came and how the connection ended (closed
 * cleanly, or reset), which `fetch` and its connection pool hide. Answers must carry
 * `Content-Length` (every answer of the gateway does).
 */
export class Http1Connection {
  readonly answers: Http1Answer[] = [];
  /** Socket errors, by code (`ECONNRESET`, `EPIPE`). */
  readonly errors: string[] = [];
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;
  isClosed = false;
  private buffer = Buffer.alloc(0);
  private waiting: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.errors.push(error.code ?? error.message));
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      this.wake();
      resolve();
    }));
  }

  /** Connects to `url`'s host and port; rejects with the connection's error (`ECONNREFUSED`). */
  static async open(url: string): Promise<Http1Connection> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    return new Http1Connection(socket);
  }

  /** Writes `text` as it is: a whole request, or part of one. Synchronous on loopback. */
  write(text: string): void {
    this.socket.write(text);
  }

  /** The `n`th answer on this connection (from 1); rejects if the connection ends before it comes. */
  async answer(n: number): Promise<Http1Answer> {
    while (this.answers.length < n) {
      if (this.isClosed) throw new Error(`the connection ended before answer ${n} (errors: ${this.errors.join(', ') || 'none'})`);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    return this.answers[n - 1];
  }

  /** Sends a whole request and waits for its answer. */
  async request(text: string): Promise<Http1Answer> {
    const n = this.answers.length + 1;
    this.write(text);
    return this.answer(n);
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
      }));
      const length = Number(headers['content-length']);
      if (!Number.isInteger(length)) {
        this.errors.push(`an answer without Content-Length: ${statusLine}`);
        this.socket.destroy();
        return;
      }
      if (this.buffer.length < end + 4 + length) return;
      this.answers.push({ status: Number(statusLine.split(' ')[1]), headers, body: this.buffer.subarray(end + 4, end + 4 + length).toString('utf8') });
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.wake();
    }
  }
}

/** The bytes of a GraphQL `POST` to /graphql carrying `query`. */
export function graphqlPost(query: string): string {
  const body = JSON.stringify({ query });
  return `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
