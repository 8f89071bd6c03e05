import { z } from 'zod';
import { LIMITS } from '../ingest/limits';
import { studyKeys } from './keys';

/** An image file name inside incoming/{studyId}/image/: one path segment, no traversal. */
const IMAGE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const uploadRequestSchema = z.object({
  imageFiles: z
    .array(z.string().regex(IMAGE_FILE, 'an image file name is one path segment of [A-Za-z0-9._-]'))
    .min(1)
    .max(LIMITS.maxFiles),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/** The keys a client uploads to, in order: the manifest last, because it starts the run. */
export function uploadKeys(studyId: string, request: UploadRequest): string[] {
  return [
    studyKeys.clinicalUpload(studyId),
    ...request.imageFiles.map((name) => `${studyKeys.incomingPrefix(studyId)}image/${name}`),
    studyKeys.manifest(studyId),
  ];
}
