import { UPLOAD_PAGE, type SignedUpload } from '../../core/study/upload-plan';

/**
 * The uploads from the start of `signed` that fit one answer of POST /studies: at most UPLOAD_PAGE.maxBytes,
 * counted as Lambda's response carries them. API Gateway's proxy response holds the body as a JSON string
 * inside Lambda's JSON, so each quote and backslash of the body is escaped once more. Always at least one.
 */
export function fitUploadPage(
  signed: SignedUpload[],
  maxBytes: number = UPLOAD_PAGE.maxBytes,
): SignedUpload[] {
  let bytes = 0;
  let count = 0;
  for (const upload of signed) {
    // The entry as the response carries it: its JSON, escaped again as part of the body string; a comma.
    bytes += Buffer.byteLength(JSON.stringify(JSON.stringify(upload))) - 2 + 1;
    if (bytes > maxBytes && count > 0) break;
    count++;
  }
  return signed.slice(0, count);
}
