import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors';
import type { ApiKeyRecord, ApiKeyRole } from '../store/records';
import type { ApiKeyStore } from '../store/store';

/**
 * API keys look like `ngk_<id>_<secret>`: the id finds the stored key, the secret proves it. Only
 * a SHA-256 hash of the secret is stored (the secret is 32 random bytes, so a slow hash adds
 * nothing); the whole key is shown once, when it is created.
 */
const KEY_FORMAT = /^ngk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export type Role = 'public' | ApiKeyRole;

/** Who is asking: the public, or the holder of an API key. */
export interface Viewer {
  role: Role;
  /** For revisions: the key's name and id. */
  actor: string | null;
  /** The key's id (its rate-limit budget is counted by it); null for the public. */
  keyId: string | null;
}

export const PUBLIC_VIEWER: Viewer = { role: 'public', actor: null, keyId: null };

const RANK: Record<Role, number> = { public: 0, editor: 1, admin: 2 };

/** Whether `viewer` may do what `required` may. */
export function hasRole(viewer: Viewer, required: ApiKeyRole): boolean {
  return RANK[viewer.role] >= RANK[required];
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates and stores a key; resolves to its record and the key itself (shown only now). */
export async function createApiKey(store: ApiKeyStore, name: string, role: ApiKeyRole): Promise<{ record: ApiKeyRecord; key: string }> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record = await store.insertApiKey({ id, name, role, secretHash: hashSecret(secret) });
  return { record, key: `ngk_${id}_${secret}` };
}

/**
 * The viewer an `Authorization` header names: the public when there is none; the key's holder
 * when it carries a live key; an UNAUTHENTICATED error (HTTP 401) for anything else, so that a
 * client with a broken key hears about it rather than silently reading as the public.
 */
export async function viewerOf(store: ApiKeyStore, authorization: string | undefined): Promise<Viewer> {
  if (!authorization) return PUBLIC_VIEWER;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!bearer) throw new UnauthenticatedError('the Authorization header must be "Bearer <API key>"');
  const parts = KEY_FORMAT.exec(bearer[1]);
  const record = parts ? await store.apiKeyById(parts[1]) : null;
  if (!parts || !record || !sameHash(record.secretHash, hashSecret(parts[2]))) {
    throw new UnauthenticatedError('the API key is not valid: check it was copied whole, or ask an admin for a new one');
  }
  if (record.revokedAt) throw new UnauthenticatedError('the API key was revoked: ask an admin for a new one');
  return { role: record.role, actor: `${record.name} (key ${record.id})`, keyId: record.id };
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
