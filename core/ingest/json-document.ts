import type { z } from 'zod';
import type { IssueCode, ValidationIssue } from './issues';
import { LIMITS } from './limits';
import { joinPath } from './clinical/identifiers';

/**
 * Reads the bytes of clinical.json or manifest.json: size limit, UTF-8 (a BOM is allowed), JSON syntax.
 * The structure is checked afterwards by `normaliseClinical` / `checkManifest`.
 */
export function parseJsonDocument(
  bytes: Uint8Array,
  file: string,
): { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] } {
  const fail = (code: IssueCode, message: string) => ({
    ok: false as const,
    issues: [{ code, file, message }],
  });
  if (bytes.byteLength === 0) return fail('FILE_EMPTY', 'the file is empty');
  if (bytes.byteLength > LIMITS.maxJsonBytes) {
    return fail(
      'FILE_TOO_LARGE',
      `${bytes.byteLength} bytes; a JSON document may be at most ${LIMITS.maxJsonBytes}`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail('JSON_INVALID', 'not UTF-8 text');
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return fail('JSON_INVALID', `not valid JSON: ${(error as Error).message}`);
  }
}

/** What a JSON value is, for messages: `string "12"`, `an array`, `null`. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The JSON path of a zod issue below `base`: `files[2].size`. */
export function issuePath(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => joinPath(acc, typeof key === 'number' ? key : String(key)), base);
}

/** Zod issues as validation issues, each with its JSON path as the field. */
export function fromZodIssues(
  error: z.ZodError,
  code: IssueCode,
  file: string,
  base = '',
): ValidationIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      return {
        code,
        file,
        field: issuePath(base, issue.path) || undefined,
        message: `unknown field(s) ${keys}`,
      };
    }
    return { code, file, field: issuePath(base, issue.path) || undefined, message: issue.message };
  });
}
