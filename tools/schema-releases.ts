import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema, SCHEMA_DIR } from '../src/schema';

/**
 * The schema as each release served it, one SDL file per release named by its date
 * (`YYYY-MM-DD.graphql`). A subfolder of schema/, so neither codegen nor `buildSchema()` (which
 * read schema/*.graphql, top level only) ever takes a release for part of today's schema.
 */
export const RELEASES_DIR = join(SCHEMA_DIR, 'releases');

const RELEASE_FILE = /^\d{4}-\d{2}-\d{2}\.graphql$/;

/** True for a real day written YYYY-MM-DD (not 2026-02-30). */
function isCalendarDate(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date;
}

/**
 * The schema clients meet, printed whole: what `buildSchema()` serves, Federation's `_service`,
 * `_entities` and directive definitions included, with descriptions and directive uses. One
 * self-contained file that graphql-js's own `buildSchema` reads back.
 */
export function servedSdl(): string {
  return `${printSchemaWithDirectives(buildSchema())}\n`;
}

/** The newest release's file name and SDL; null before the first release. */
export function latestRelease(dir = RELEASES_DIR): { file: string; sdl: string } | null {
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => RELEASE_FILE.test(file)).sort() : [];
  const file = files.at(-1);
  return file ? { file, sdl: readFileSync(join(dir, file), 'utf8') } : null;
}

/**
 * Writes today's schema as the release of `date` (YYYY-MM-DD) and returns its path. A release once
 * written is the record of what clients were promised: an existing file is never overwritten.
 */
export function writeRelease(date: string, dir = RELEASES_DIR): string {
  if (!isCalendarDate(date)) {
    throw new Error(`${date} is not a date: give it as YYYY-MM-DD`);
  }
  const path = join(dir, `${date}.graphql`);
  if (existsSync(path)) throw new Error(`${path} exists already: a release's schema is never rewritten`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, servedSdl());
  return path;
}
