import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

/** `json`: one JSON object a line. `pretty`: one readable line a record. `auto`: pretty on a terminal, JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Where records go when not on stdout (tests); `auto` asks it whether it is a terminal. */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * The gateway's logger, on stdout unless `destination` is given. JSON records carry
 * `service: "newsgate"` for log collectors; pretty lines leave out what a person at the terminal
 * already knows (pid, host, service), and are written synchronously so that the last line before an
 * exit is never lost.
 */
export function createLogger(level: string, format: LogFormat = 'json', destination?: LogDestination): Logger {
  const terminal = (destination ?? process.stdout).isTTY === true;
  if (format === 'json' || (format === 'auto' && !terminal)) {
    const options = { level, base: { service: 'newsgate' } };
    return destination ? pino(options, destination) : pino(options);
  }
  return pino({ level, base: undefined }, pretty({
    destination: destination ?? 1,
    sync: true,
    singleLine: true,
    colorize: terminal,
    translateTime: 'SYS:HH:MM:ss.l',
  }));
}
