import { describe, expect, it } from 'vitest';
import { exitCodeForApiStatus, isPassingFailure, reportApiFailure } from '../../cli/api-errors';
import { EXIT } from '../../cli/io';
import { ApiError, ApiUnreachable } from '../../local/api-client';
import { UploadRefused } from '../../local/presigned-upload';

function context(json = false) {
  const err: string[] = [];
  return {
    err,
    ctx: { io: { out: () => undefined, err: (t: string) => err.push(t) }, json, env: {}, usage: '' },
  };
}

describe('one mapping from results API failures to exit codes', () => {
  it.each([
    [400, EXIT.rejected],
    [404, EXIT.rejected],
    [409, EXIT.rejected],
    [422, EXIT.rejected],
    [401, EXIT.usage],
    [403, EXIT.usage],
    [408, EXIT.usage],
    [429, EXIT.usage],
    [500, EXIT.usage],
    [503, EXIT.usage],
  ])('HTTP %i exits %i', (status, code) => {
    expect(exitCodeForApiStatus(status)).toBe(code);
  });

  it('reports an API answer with its code and status, on stderr, as JSON with --json', () => {
    const { err, ctx } = context(true);
    const code = reportApiFailure(ctx, new ApiError(409, 'NOT_COMPLETED', 'study s1 is RECEIVED'));
    expect(code).toBe(EXIT.rejected);
    expect(JSON.parse(err[0]!)).toEqual({
      error: { code: 'NOT_COMPLETED', message: 'the results API answered HTTP 409: study s1 is RECEIVED' },
    });
  });

  it('an unreachable API and a refused upload are exit 2', () => {
    const { err, ctx } = context();
    expect(reportApiFailure(ctx, new ApiUnreachable('http://127.0.0.1:1', new Error('ECONNREFUSED')))).toBe(
      EXIT.usage,
    );
    expect(reportApiFailure(ctx, new UploadRefused(403, 'AccessDenied', 'clinical.json'))).toBe(EXIT.usage);
    expect(err).toEqual([
      'sap: cannot reach the results API at http://127.0.0.1:1: ECONNREFUSED',
      'sap: the upload of clinical.json was refused: HTTP 403 AccessDenied',
    ]);
  });

  it('leaves any other error to the caller', () => {
    const { err, ctx } = context();
    expect(reportApiFailure(ctx, new Error('bug'))).toBeUndefined();
    expect(err).toEqual([]);
  });

  it('polling waits out server errors and an unreachable API, not refusals', () => {
    expect(isPassingFailure(new ApiError(503, 'INTERNAL_ERROR', 'busy'))).toBe(true);
    expect(isPassingFailure(new ApiUnreachable('http://x', 'refused'))).toBe(true);
    expect(isPassingFailure(new ApiError(404, 'NOT_FOUND', 'no study'))).toBe(false);
    expect(isPassingFailure(new Error('bug'))).toBe(false);
  });
});
