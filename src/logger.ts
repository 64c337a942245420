import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

/** `json`: one JSON object a line. `pretty`: one readable line a record. `auto`: pretty on a terminal, JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Where records go when not on stdout (tests); `auto` asks it whether it is a terminal. */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * JSON lines to stdout are gathered up to this many bytes, or for at most `STDOUT_FLUSH_MS`, and
 * written together: one write per line (every request's access-log line) would cost a system call
 * each. Whatever is gathered is written synchronously when the process exits.
 */
const STDOUT_BUFFER_BYTES = 4096;
const STDOUT_FLUSH_MS = 200;

/**
 * The gateway's logger, on stdout unless `destination` is given. JSON records carry
 * `service: "newsgate"` for log collectors, and reach stdout at most `STDOUT_FLUSH_MS` after they
 * were logged (see `STDOUT_BUFFER_BYTES`); pretty lines leave out what a person at the terminal
 * already knows (pid, host, service), and are written synchronously so that the last line before an
 * exit is never lost.
 */
export function createLogger(level: string, format: LogFormat = 'json', destination?: LogDestination): Logger {
  const terminal = (destination ?? process.stdout).isTTY === true;
  if (format === 'json' || (format === 'auto' && !terminal)) {
    const options = { level, base: { service: 'newsgate' } };
    if (destination) return pino(options, destination);
    // Flushed on exit by pino (an asynchronous destination is registered for it).
    const stdout = pino.destination({ dest: 1, minLength: STDOUT_BUFFER_BYTES, sync: false });
    const flush = setInterval(() => stdout.flush(), STDOUT_FLUSH_MS).unref();
    stdout.once('close', () => clearInterval(flush));
    return pino(options, stdout);
  }
  return pino({ level, base: undefined }, pretty({
    destination: destination ?? 1,
    sync: true,
    singleLine: true,
    colorize: terminal,
    translateTime: 'SYS:HH:MM:ss.l',
  }));
}
