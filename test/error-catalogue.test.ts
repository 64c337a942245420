import { ERRORS, ErrorCode, type ErrorSpec } from '../src/errors';
import { tableUnder } from './support/markdown';

/** A catalogue row of docs/errors.md: `code` | status | retryable | when | what to do. */
function documented(): Map<string, { status: string; retryable: string; when: string; action: string }> {
  return new Map(tableUnder('docs/errors.md', 'The catalogue').map(([code, status, retryable, when, action]) =>
    [code.replace(/`/g, ''), { status, retryable, when, action }]));
}

/** How docs/errors.md writes a code's status: `400`, or `400 (200 while resolving)`. */
function statusText(spec: ErrorSpec): string {
  return spec.whileResolving === undefined ? String(spec.status) : `${spec.status} (${spec.whileResolving} while resolving)`;
}

describe('the error catalogue', () => {
  it('lists in docs/errors.md every code, and only those, with its status and whether it is retryable', () => {
    const rows = documented();
    expect([...rows.keys()].sort()).toEqual(Object.values(ErrorCode).sort());
    for (const [code, spec] of Object.entries(ERRORS) as [ErrorCode, ErrorSpec][]) {
      expect({ code, status: rows.get(code)?.status, retryable: rows.get(code)?.retryable })
        .toEqual({ code, status: statusText(spec), retryable: spec.retryable ? 'yes' : 'no' });
      expect(rows.get(code)?.when).not.toBe('');
      expect(rows.get(code)?.action).not.toBe('');
    }
  });

  it('makes retryable exactly the codes that answer 429 or 503, the statuses that tell a client to come back', () => {
    const retryable = Object.entries(ERRORS).filter(([, spec]) => spec.retryable).map(([code]) => code);
    const comeBack = Object.entries(ERRORS).filter(([, spec]) => spec.status === 429 || spec.status === 503).map(([code]) => code);
    expect(retryable).toEqual(comeBack);
  });
});
