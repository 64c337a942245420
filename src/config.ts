import { z } from 'zod';

/**
 * Every setting the gateway reads from the environment, checked once at start. `process.env` is
 * read here and nowhere else.
 */
const Environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').optional(),
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  SEED_WORKED_EXAMPLE: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  PLAYGROUND: z.enum(['true', 'false']).optional(),
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1).optional(),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(1).optional(),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).optional(),
  MAX_ALIASES: z.coerce.number().int().min(1).optional(),
  MAX_DIRECTIVES: z.coerce.number().int().min(1).optional(),
  MAX_QUERY_COST: z.coerce.number().int().min(1).optional(),
  COST_LIST_SIZE: z.coerce.number().int().min(1).optional(),
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  READINESS_TIMEOUT_MS: z.coerce.number().int().min(1).default(2_000),
}).refine((env) => env.DEFAULT_PAGE_SIZE <= env.MAX_PAGE_SIZE, {
  path: ['DEFAULT_PAGE_SIZE'], message: 'must not exceed MAX_PAGE_SIZE',
}).refine((env) => !(env.DATABASE_URL && env.PGLITE_DATA_DIR), {
  path: ['PGLITE_DATA_DIR'], message: 'is for the embedded store; unset it or DATABASE_URL',
});

export interface Config {
  port: number;
  host: string;
  production: boolean;
  logLevel: z.infer<typeof Environment>['LOG_LEVEL'];
  store: { databaseUrl?: string; databaseSchema?: string; pgliteDataDir?: string };
  pagination: { defaultPageSize: number; maxPageSize: number };
  seedWorkedExample: boolean;
  shutdownTimeoutMs: number;
  /** The HTTP edge; unset fields keep the defaults of src/http (which depend on `production`). */
  http: {
    playground?: boolean;
    introspection?: boolean;
    limits: {
      maxBodyBytes?: number; maxTokens?: number; maxDepth?: number; maxAliases?: number;
      maxDirectives?: number; maxCost?: number; assumedListSize?: number;
    };
    /** Path of the trusted-documents manifest; unset: any operation may run. */
    trustedDocumentsPath?: string;
    readinessTimeoutMs: number;
  };
}

/** Thrown when the environment is invalid; its message lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
      'Fix these environment variables (see the README, "Configuration") and start again.');
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = Environment.safeParse(blankless);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) =>
      `${issue.path.join('.')} ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    store: { databaseUrl: e.DATABASE_URL, databaseSchema: e.DATABASE_SCHEMA, pgliteDataDir: e.PGLITE_DATA_DIR },
    pagination: { defaultPageSize: e.DEFAULT_PAGE_SIZE, maxPageSize: e.MAX_PAGE_SIZE },
    seedWorkedExample: e.SEED_WORKED_EXAMPLE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    http: {
      playground: e.PLAYGROUND === undefined ? undefined : e.PLAYGROUND === 'true',
      introspection: e.INTROSPECTION === undefined ? undefined : e.INTROSPECTION === 'true',
      limits: {
        maxBodyBytes: e.MAX_BODY_BYTES, maxTokens: e.MAX_QUERY_TOKENS, maxDepth: e.MAX_QUERY_DEPTH,
        maxAliases: e.MAX_ALIASES, maxDirectives: e.MAX_DIRECTIVES, maxCost: e.MAX_QUERY_COST,
        assumedListSize: e.COST_LIST_SIZE,
      },
      trustedDocumentsPath: e.TRUSTED_DOCUMENTS,
      readinessTimeoutMs: e.READINESS_TIMEOUT_MS,
    },
  };
}
