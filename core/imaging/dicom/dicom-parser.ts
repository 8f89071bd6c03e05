import * as dicomParserNamespace from 'dicom-parser';

type DicomParser = typeof dicomParserNamespace;

/**
 * dicom-parser ships a UMD bundle: Node's ESM loader exposes it only as the default export, while bundlers
 * and the type declarations see named exports. Take whichever is there.
 */
export const dicomParser: DicomParser =
  (dicomParserNamespace as unknown as { default?: DicomParser }).default ?? dicomParserNamespace;

/** dicom-parser throws Errors, strings, or `{exception, dataSet}` objects; say what went wrong in words. */
export function parserErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'exception' in error) return parserErrorMessage(error.exception);
  return String(error);
}
