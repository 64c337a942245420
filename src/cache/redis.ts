/*
 * The cache's Redis adapter (one file per adapter, as ./memory and ./two-level). Long because its
 * whole contract lives here: generations kept in one cluster slot, one round-trip a read, failing
 * open behind a breaker, the recovery after a lost invalidation, and the invalidation messages and
 * write marker other instances' in-process levels rely on. The connection itself (options and their
 * defaults, clients, PING) is in ./redis-connection.
 */
import { randomBytes } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import {
  ALL_TAG, type Cache, type CacheEntry, type CacheLookup, type CacheMetrics, type CacheRequest, type Release, type Stamp,
  checkPositive, emptyMetrics, sameGenerations, withAllTag,
} from './cache';
import { decode, encode } from './codec';
import { Guard } from './guard';
import { type RedisConnectionOptions, checkRedisConnection, connect, pinger } from './redis-connection';

/** The connection (`RedisConnectionOptions`, with its defaults), and what only the cache uses. */
export interface RedisCacheOptions extends RedisConnectionOptions {
  /**
   * How long a tag's generation outlives its last write or use, in seconds. Default 86,400. Only the
   * hit rate depends on it: a generation that expires comes back as a fresh one.
   */
  generationTtlSeconds?: number;
  /** Publish every invalidation, for the in-process levels of other instances (./two-level). Default true. */
  publish?: boolean;
  /** Told of every failed operation (for the log); the cache itself carries on without Redis. */
  onError?: (error: Error) => void;
}

/** What a miss saw: the generations of its entry's tags (null for one Redis does not have yet). */
interface RedisStamp {
  tags: readonly string[];
  generations: (string | null)[];
}

/** A stored entry: the generations it was loaded under, and the value. */
interface Held {
  g: string[];
  v: unknown;
}

/** An invalidation as published on the channel. */
interface Message {
  origin: string;
  tags: string[];
  /** The generation the invalidation set, as logged (absent from an older version's message). */
  generation?: string;
}

/**
 * A tag no entry depends on, bumped with every invalidation: its generation changes whenever any
 * instance writes, which is how an instance that lost a pub/sub message finds out (`writesSince`).
 */
const WRITES_TAG = '#writes';

/**
 * The invalidation log, beside the write marker (in the generations' slot): a list of the latest
 * invalidations, newest first, each `<generation> <tags as JSON>`, the generation being the one the
 * bump gave the marker. An instance that knows the marker it last saw reads the tags written since
 * (`writesSince`) instead of dropping everything it holds.
 */
const LOG_KEY = '#log';

/** How many invalidations the log keeps: an instance that falls further behind drops everything. */
const LOG_LENGTH = 256;

/** Past this many tags, one invalidation is published and logged as "everything" (cheaper than the list). */
const MAX_PUBLISHED_TAGS = 1000;

/**
 * Redis-side: sets every key but the last to the same fresh generation (ARGV[1]), with a TTL
 * (ARGV[2]), and logs the invalidation (ARGV[3], its tags) at the head of the log (the last key),
 * keeping ARGV[4] entries, in one atomic step.
 */
const BUMP_SCRIPT = `
local log = KEYS[#KEYS]
for i = 1, #KEYS - 1 do redis.call('SET', KEYS[i], ARGV[1], 'EX', ARGV[2]) end
redis.call('LPUSH', log, ARGV[1] .. ' ' .. ARGV[3])
redis.call('LTRIM', log, 0, tonumber(ARGV[4]) - 1)
redis.call('EXPIRE', log, ARGV[2])
return #KEYS - 1`;

/**
 * Redis-side: the write marker (KEYS[1]) and, when it is not ARGV[1] (the one last seen, '' for
 * none), whether the log (KEYS[2]) holds every invalidation since that one ('logged') or not
 * ('lost': it was trimmed past it, or a bump did not log itself), then each logged one since,
 * newest first. Since no marker, the log holds every invalidation unless it is full (ARGV[2] entries:
 * it may have been trimmed). An empty reply when there is no marker.
 */
const WRITES_SINCE_SCRIPT = `
local marker = redis.call('GET', KEYS[1])
if not marker then return {} end
if marker == ARGV[1] then return {marker} end
local entries = redis.call('LRANGE', KEYS[2], 0, -1)
local out = {marker, 'lost'}
for i, entry in ipairs(entries) do
  local space = string.find(entry, ' ', 1, true)
  if not space then return {marker, 'lost'} end
  local generation = string.sub(entry, 1, space - 1)
  if i == 1 and generation ~= marker then return {marker, 'lost'} end
  if generation == ARGV[1] then out[2] = 'logged' return out end
  out[#out + 1] = entry
end
if ARGV[1] == '' and #entries > 0 and #entries < tonumber(ARGV[2]) then out[2] = 'logged' return out end
return {marker, 'lost'}`;

/** What `RedisCache.writesSince` found. */
export interface WritesSince {
  /** The write marker now (null when no instance has written yet, or Redis lost it). */
  marker: string | null;
  /**
   * The tags other instances invalidated since the marker asked about (this one's own are left out:
   * an instance drops what its own writes change before it tells Redis; and so are those whose
   * message it heard, which its listeners applied then), when the log holds them all; null when it
   * cannot tell (a log trimmed or lost, a marker gone): then anything may have changed.
   */
  tags: string[] | null;
}

/**
 * The cache in Redis (ioredis), shared by every instance that uses the same Redis and prefix; a
 * single server or a Redis Cluster. See ./cache for tags and generations. Here:
 *
 * - Entries are `<prefix>:e:<key>`, spread over the cluster's slots. Generations are
 *   `{<prefix>:g}:<tag>`: the hash tag keeps all of them in one slot, so a read fetches every
 *   generation it needs with one MGET and a write bumps all its tags in one atomic script, in a
 *   cluster as on a single server (the price: one node answers every generation read; they are
 *   small). A read sends the entries' GETs (one MGET on a single server) and that MGET together:
 *   one round-trip (auto-pipelined).
 * - Every operation is bounded by `operationTimeoutMs` and a circuit breaker (./guard); commands are
 *   never queued while disconnected. A failed read answers misses, a failed write is dropped.
 * - A failed invalidation is the one failure that could let a stale entry be served later, once
 *   Redis answers again. So this instance then stops using Redis (reads miss, writes are skipped)
 *   until it has bumped there every tag it could not (`ALL_TAG` past `MAX_PUBLISHED_TAGS` of them,
 *   dropping everything), which drops what those invalidations should have dropped and nothing
 *   else; it tries on each read and every `breakerCooldownMs`. Other instances may serve such an
 *   entry from the moment Redis answers again until that bump, about one cooldown: the one window
 *   in which instances disagree. (A bump that timed out may have landed: bumping it again only
 *   costs misses.)
 */
export class RedisCache implements Cache {
  readonly prefix: string;
  private readonly client: Redis | Cluster;
  private subscriber: Redis | Cluster | null = null;
  /** Resolves true once subscribed, false if subscribing failed. */
  private subscription: Promise<boolean> | null = null;
  private readonly listeners = new Set<(tags: readonly string[]) => void>();
  private readonly guard: Guard;
  private readonly counters = emptyMetrics();
  private readonly generationTtlSeconds: number;
  private readonly publish: boolean;
  /**
   * The generations of the latest invalidations whose message reached every listener (at most
   * `LOG_LENGTH`, oldest first out): `writesSince` leaves them out, since they were applied then.
   */
  private readonly heardGenerations = new Set<string>();
  /** This instance, in published messages, so it can ignore its own. */
  private readonly origin = randomBytes(6).toString('base64url');
  private tokens = 0;
  /** The tags of invalidations that may not have reached Redis (`ALL_TAG` alone past `MAX_PUBLISHED_TAGS`). */
  private lostTags = new Set<string>();
  /** How many invalidations have failed: one that fails while the lost tags are bumped needs another bump. */
  private losses = 0;
  private recovery: Promise<boolean> | null = null;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private readonly cooldownMs: number;
  private closed = false;
  /**
   * Resolves true when Redis answers a PING within the operation timeout, false otherwise (see
   * `pinger`): what readiness and metrics report, whatever the breaker says.
   */
  readonly ping: () => Promise<boolean>;

  constructor(private readonly options: RedisCacheOptions) {
    const { prefix, operationTimeoutMs, breakerThreshold, breakerCooldownMs } = checkRedisConnection(options);
    const { generationTtlSeconds = 86_400 } = options;
    checkPositive({ generationTtlSeconds });
    this.prefix = prefix;
    this.generationTtlSeconds = Math.ceil(generationTtlSeconds);
    this.cooldownMs = breakerCooldownMs;
    this.publish = options.publish ?? true;
    this.guard = new Guard({ timeoutMs: operationTimeoutMs, failureThreshold: breakerThreshold, cooldownMs: breakerCooldownMs });
    // The guard bounds every operation (see `connect` for why ioredis's own timer is not used).
    this.client = connect(options, 0, false);
    this.client.on('error', () => undefined); // Failed operations are counted and reported where they fail.
    this.client.defineCommand('bumpGenerations', { lua: BUMP_SCRIPT });
    this.client.defineCommand('writesSince', { numberOfKeys: 2, lua: WRITES_SINCE_SCRIPT });
    this.client.defineCommand('releaseClaim', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.ping = pinger(this.client, operationTimeoutMs);
  }

  async read(requests: readonly CacheRequest[]): Promise<CacheLookup[]> {
    if (requests.length === 0) return [];
    if (!(await this.usable())) return this.missAll(requests);
    const tagLists = requests.map((request) => withAllTag(request.tags));
    const tags = [...new Set(tagLists.flat())];
    let stored: (Buffer | null)[];
    let generations: (string | null)[];
    try {
      [stored, generations] = await this.guard.run(() => Promise.all([
        this.getEntries(requests.map((request) => this.entryKey(request.key))),
        this.client.mget(tags.map((tag) => this.generationKey(tag))),
      ]));
    } catch (error) {
      this.failed(error);
      return this.missAll(requests);
    }
    const generationOf = new Map(tags.map((tag, i) => [tag, generations[i]]));
    return requests.map((request, i) => {
      const current = tagLists[i].map((tag) => generationOf.get(tag) ?? null);
      const held = parseHeld(stored[i]);
      if (held && !current.includes(null) && sameGenerations(held.g, current)) {
        this.counters.hits += 1;
        return { hit: true, value: held.v };
      }
      this.counters.misses += 1;
      const stamp: RedisStamp = { tags: tagLists[i], generations: current };
      return { hit: false, stamp: stamp as unknown as Stamp };
    });
  }

  async write(entries: readonly CacheEntry[]): Promise<void> {
    const stamped = entries.filter((entry) => entry.stamp !== null);
    if (stamped.length === 0 || this.closed || this.lostTags.size > 0) return;
    try {
      await this.guard.run(async () => {
        const minted = await this.mintMissingGenerations(stamped.map((entry) => entry.stamp as unknown as RedisStamp));
        const commands: Promise<unknown>[] = [];
        const used = new Set<string>();
        for (const entry of stamped) {
          const stamp = entry.stamp as unknown as RedisStamp;
          const generations = stamp.generations.map((generation, j) => generation ?? minted.get(stamp.tags[j]) ?? null);
          if (generations.includes(null)) continue; // A writer got there first: the value may be stale.
          const held: Held = { g: generations as string[], v: entry.value };
          commands.push(this.client.set(this.entryKey(entry.key), encode(held), 'PX', Math.max(1, Math.round(entry.ttlSeconds * 1000))));
          for (const tag of stamp.tags) used.add(tag);
        }
        // Generations in use live on; unused ones expire (which only costs misses).
        for (const tag of used) commands.push(this.client.expire(this.generationKey(tag), this.generationTtlSeconds));
        await Promise.all(commands);
      });
    } catch (error) {
      this.failed(error);
    }
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    if (tags.length === 0 || this.closed) return;
    try {
      await this.guard.run(() => this.bump(tags));
    } catch (error) {
      this.invalidationLost(tags);
      this.failed(error);
    }
  }

  /**
   * Claims `key` at the generations `stamp` saw for `ms`, as `<prefix>:c:<key>:<generations>` (SET
   * NX PX, holding a token of this claim's own, so that a release after the claim expired cannot
   * end another instance's).
   */
  async claim(key: string, stamp: Stamp, ms: number): Promise<Release | null> {
    const seen = stamp as unknown as RedisStamp | null;
    // No stamp: the miss did not reach Redis, so neither can the claim.
    if (seen === null || !(await this.usable())) return RELEASED;
    const claimKey = this.claimKey(key, seen.generations);
    const token = this.freshGeneration();
    try {
      const set = await this.guard.run(() => this.client.set(claimKey, token, 'PX', Math.max(1, Math.round(ms)), 'NX'));
      if (set !== 'OK') return null;
    } catch (error) {
      this.failed(error);
      return RELEASED;
    }
    return async () => {
      try {
        await this.guard.run(() => (this.client as unknown as ReleaseCommand).releaseClaim(claimKey, token));
      } catch (error) {
        this.failed(error); // The claim then ends at its time.
      }
    };
  }

  /** The entry of `request` if it was stored at the generations `stamp` saw (see `Cache.readAt`). */
  async readAt(request: CacheRequest, stamp: Stamp): Promise<{ value: unknown } | null> {
    const seen = stamp as unknown as RedisStamp | null;
    if (seen === null || seen.generations.includes(null) || !(await this.usable())) return null;
    try {
      const held = parseHeld(await this.guard.run(() => this.client.getBuffer(this.entryKey(request.key))));
      return held && sameGenerations(held.g, seen.generations) ? { value: held.v } : null;
    } catch (error) {
      this.failed(error);
      return null;
    }
  }

  /**
   * Calls `listener` with the tags of every invalidation another instance publishes on this
   * prefix (subscribing on first use, on a connection of its own). Delivery is best effort: a
   * message lost while disconnected is not replayed. Returns the unsubscribe function.
   */
  onInvalidate(listener: (tags: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    this.subscribe();
    return () => { this.listeners.delete(listener); };
  }

  /**
   * What was invalidated on this prefix since the write marker was `seen` (a token that changes
   * whenever any instance invalidates anything: compare tokens, never read them; undefined or null
   * when there was none): the marker now, and the tags since, read from the invalidation log in the
   * same atomic step. Undefined when Redis cannot be asked. An instance polls it to learn of writes
   * whose pub/sub messages it lost (./two-level).
   */
  async writesSince(seen: string | null | undefined): Promise<WritesSince | undefined> {
    if (!(await this.usable())) return undefined;
    let reply: string[];
    try {
      reply = await this.guard.run(() => (this.client as unknown as WritesSinceCommand)
        .writesSince(this.generationKey(WRITES_TAG), this.generationKey(LOG_KEY), seen ?? '', LOG_LENGTH));
    } catch (error) {
      this.failed(error);
      return undefined;
    }
    const [marker = null, state, ...logged] = reply;
    if (marker === (seen ?? null)) return { marker, tags: [] };
    if (state !== 'logged') return { marker, tags: null };
    const tags = new Set<string>();
    for (const entry of logged) {
      const space = entry.indexOf(' ');
      const generation = entry.slice(0, space);
      // This instance's own (its generations begin with its origin): it dropped their tags itself
      // before it told Redis; and those whose message every listener has heard.
      if (generation.startsWith(`${this.origin}.`) || this.heardGenerations.has(generation)) continue;
      const parsed = parseTags(entry.slice(space + 1));
      if (!parsed) return { marker, tags: null };
      for (const tag of parsed) tags.add(tag);
    }
    return { marker, tags: [...tags] };
  }

  /**
   * Resolves true once connected (and subscribed, if anything listens), false when that takes
   * longer than `timeoutMs`. Never rejects; the cache works (by missing) before it is ready.
   */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.client.status !== 'ready') {
      if (this.closed || Date.now() > deadline) return false;
      await sleep(20);
    }
    if (!this.subscription) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())); });
    try {
      return await Promise.race([this.subscription, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  metrics(): CacheMetrics {
    return { ...this.counters, breaker: this.guard.state, breakerOpens: this.guard.opens };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.recoveryTimer);
    this.subscriber?.disconnect();
    this.client.disconnect();
  }

  // ---- keys -----------------------------------------------------------------------------------

  private entryKey(key: string): string {
    return `${this.prefix}:e:${key}`;
  }

  private claimKey(key: string, generations: readonly (string | null)[]): string {
    return `${this.prefix}:c:${key}:${generations.map((generation) => generation ?? '-').join(',')}`;
  }

  private generationKey(tag: string): string {
    return `{${this.prefix}:g}:${tag}`;
  }

  private get channel(): string {
    return `${this.prefix}:invalidations`;
  }

  /** A generation never used before, by any instance. */
  private freshGeneration(): string {
    this.tokens += 1;
    return `${this.origin}.${this.tokens.toString(36)}`;
  }

  // ---- operations -----------------------------------------------------------------------------

  /**
   * The stored bytes of `keys` (see ./codec): one MGET on a single server; in a cluster, GETs
   * pipelined per node.
   */
  private getEntries(keys: string[]): Promise<(Buffer | null)[]> {
    if (this.client instanceof Cluster) return Promise.all(keys.map((key) => this.client.getBuffer(key)));
    return this.client.mgetBuffer(keys);
  }

  /**
   * Replaces the generations of `tags` (and `WRITES_TAG`) with one fresh generation, logs them, and
   * publishes them.
   */
  private async bump(tags: readonly string[]): Promise<void> {
    const unique = [...new Set(tags)];
    const told = unique.length > MAX_PUBLISHED_TAGS ? [ALL_TAG] : unique;
    const keys = [...unique, WRITES_TAG, LOG_KEY].map((tag) => this.generationKey(tag));
    const generation = this.freshGeneration();
    const commands: Promise<unknown>[] = [
      (this.client as unknown as BumpCommand).bumpGenerations(keys.length, ...keys, generation, this.generationTtlSeconds,
        JSON.stringify(told), LOG_LENGTH),
    ];
    if (this.publish) {
      const message: Message = { origin: this.origin, tags: told, generation };
      commands.push(this.client.publish(this.channel, JSON.stringify(message)));
    }
    await Promise.all(commands);
  }

  /**
   * Creates the generations that the stamps saw missing, each only if it is still missing: an
   * invalidation in the meantime has set it, and then the value loaded after the miss may be stale.
   * Resolves to each such tag's generation, or null where another instance set it first.
   */
  private async mintMissingGenerations(stamps: RedisStamp[]): Promise<Map<string, string | null>> {
    const missing = [...new Set(stamps.flatMap((stamp) => stamp.tags.filter((_, j) => stamp.generations[j] === null)))];
    if (missing.length === 0) return new Map();
    const generation = this.freshGeneration();
    const replies = await Promise.all(missing.map((tag) =>
      this.client.set(this.generationKey(tag), generation, 'EX', this.generationTtlSeconds, 'NX')));
    return new Map(missing.map((tag, i) => [tag, replies[i] === 'OK' ? generation : null]));
  }

  /**
   * True when Redis may be read: always, unless an invalidation failed; then only once its tags
   * have been bumped since (one attempt at a time, shared by concurrent reads).
   */
  private usable(): Promise<boolean> | boolean {
    if (this.closed) return false;
    return this.lostTags.size === 0 || this.recover();
  }

  /**
   * Bumps the tags of the invalidations that failed, so that other instances cannot serve what they
   * should have dropped. Tried on every read and, without reads, every breaker cooldown, until it
   * succeeds.
   */
  private recover(): Promise<boolean> {
    this.recovery ??= this.replayLost().finally(() => { this.recovery = null; });
    return this.recovery;
  }

  private async replayLost(): Promise<boolean> {
    const losses = this.losses;
    try {
      await this.guard.run(() => this.bump([...this.lostTags]));
    } catch (error) {
      this.failed(error);
      return false;
    }
    // Invalidations lost while this bump was on its way may have missed it: they need another.
    if (this.losses === losses) {
      this.lostTags.clear();
      clearInterval(this.recoveryTimer);
      this.recoveryTimer = undefined;
    }
    return this.lostTags.size === 0;
  }

  private invalidationLost(tags: readonly string[]): void {
    this.losses += 1;
    if (!this.lostTags.has(ALL_TAG)) for (const tag of tags) this.lostTags.add(tag);
    if (this.lostTags.size > MAX_PUBLISHED_TAGS) this.lostTags = new Set([ALL_TAG]);
    if (this.recoveryTimer || this.closed) return;
    this.recoveryTimer = setInterval(() => { void this.recover(); }, this.cooldownMs);
    this.recoveryTimer.unref();
  }

  private heard(generation: string): void {
    this.heardGenerations.add(generation);
    if (this.heardGenerations.size > LOG_LENGTH) this.heardGenerations.delete(this.heardGenerations.values().next().value!);
  }

  private subscribe(): void {
    if (this.subscriber || this.closed) return;
    const subscriber = connect(this.options, 0, true);
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const message = parseMessage(text);
      if (!message || message.origin === this.origin) return;
      for (const listener of this.listeners) listener(message.tags);
      if (typeof message.generation === 'string') this.heard(message.generation);
    });
    // Queued until connected, and renewed by ioredis after every reconnection.
    this.subscription = subscriber.subscribe(this.channel).then(() => true, (error: unknown) => {
      this.failed(error);
      return false;
    });
    this.subscriber = subscriber;
  }

  private missAll(requests: readonly CacheRequest[]): CacheLookup[] {
    this.counters.misses += requests.length;
    return requests.map(() => ({ hit: false, stamp: null as unknown as Stamp }));
  }

  /** Counts a failed operation; reports it unless the open breaker refused it (that would flood the log). */
  private failed(error: unknown): void {
    if (this.closed) return;
    this.counters.errors += 1;
    if (!Guard.refused(error)) this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface BumpCommand {
  bumpGenerations(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
}

interface WritesSinceCommand {
  writesSince(marker: string, log: string, seen: string, logLength: number): Promise<string[]>;
}

/** Deletes a claim (KEYS[1]) only while it still holds this claim's token (ARGV[1]). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

interface ReleaseCommand {
  releaseClaim(key: string, token: string): Promise<number>;
}

/** The release of a claim this instance could not ask Redis about: there is nothing to end. */
const RELEASED: Release = async () => undefined;

function parseHeld(data: Buffer | null): Held | null {
  if (data === null) return null;
  try {
    const held = decode(data) as Held;
    return Array.isArray(held?.g) ? held : null;
  } catch {
    return null; // Not written by this version: a miss, overwritten by the next write.
  }
}

/** The tags of one logged invalidation; null when they cannot be read. */
function parseTags(text: string): string[] | null {
  try {
    const tags: unknown = JSON.parse(text);
    return Array.isArray(tags) && tags.every((tag) => typeof tag === 'string') ? tags as string[] : null;
  } catch {
    return null;
  }
}

function parseMessage(text: string): Message | null {
  try {
    const message = JSON.parse(text) as Message;
    return typeof message?.origin === 'string' && Array.isArray(message.tags) ? message : null;
  } catch {
    return null;
  }
}
