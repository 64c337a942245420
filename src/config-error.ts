/** Thrown when the environment is invalid; its message lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
      'Fix these environment variables (see docs/configuration.md) and start again.');
    this.name = 'ConfigError';
  }
}
