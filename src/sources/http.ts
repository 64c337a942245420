/**
 * One HTTP request to a source, bounded: `signal` ends it (the caller's timeout), a body larger than
 * `maxBytes` ends it, and validators are sent when given. Rejects with an Error naming what went
 * wrong (status, size, network) for every outcome but a 2xx or, with validators, a 304.
 */
import type { Validators } from './source';

/** The most bytes one answer of a source may have. */
export const MAX_SOURCE_BODY_BYTES = 5 * 2 ** 20;

export interface SourceResponse {
  status: number;
  text: string;
  contentType: string;
  validators: Validators;
}

export async function fetchFromSource(url: string, options: {
  signal: AbortSignal;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  validators?: Validators;
  maxBytes?: number;
}): Promise<SourceResponse | 'not-modified'> {
  const headers: Record<string, string> = { 'user-agent': 'newsgate', ...options.headers };
  if (options.validators?.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators?.lastModified) headers['if-modified-since'] = options.validators.lastModified;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(url, {
    method: options.method ?? 'GET', headers, body: options.body, signal: options.signal, redirect: 'follow',
  });
  if (response.status === 304 && options.validators) {
    await response.body?.cancel();
    return 'not-modified';
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel();
    throw new Error(`${url} answered HTTP ${response.status}`);
  }
  const text = await readCapped(response, options.maxBytes ?? MAX_SOURCE_BODY_BYTES, url);
  return {
    status: response.status,
    text,
    contentType: response.headers.get('content-type') ?? '',
    validators: {
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    },
  };
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`${url} sent ${declared} bytes, more than the ${maxBytes} a source may`);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw new Error(`${url} sent more than the ${maxBytes} bytes a source may`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
