import type { z } from 'zod';
import type { IssueCode, ValidationIssue } from '../input/issues';
import { LIMITS } from '../input/limits';
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
    return fail('JSON_INVALID', `not valid JSON: ${syntaxErrorWithoutText(error)}`);
  }
}

/**
 * V8 words most syntax errors with a position, but an unexpected token with the text around it
 * ("Unexpected token 'Z', "...": Zebulon..." is not valid JSON"): that text may be patient data and is
 * never repeated in a message that is stored and logged.
 */
function syntaxErrorWithoutText(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  return message.startsWith('Unexpected token') || message.includes('" is not valid JSON')
    ? 'an unexpected character (a JSON linter shows where)'
    : message;
}

/** Text that reads as a number with a unit or sign at most: "54", "12,5", "-3.2e4", "7 %". */
const NUMBER_LIKE = /^[\d\s.,:;/%+\-eE]{1,24}$/;

/** What a JSON value is, for messages: `string "12"`, `an array`, `null`. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  // Only number-like text is quoted back: any other string in a wrong place may be a name or an id.
  if (typeof value === 'string')
    return NUMBER_LIKE.test(value)
      ? `string ${JSON.stringify(value)}`
      : `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
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
