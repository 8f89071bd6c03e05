/** A study folder (`incoming/{studyId}/` in S3, or a folder on disk): its files and how to read one. */
export interface StudyFile {
  /** Relative to the study folder, with `/` separators: `manifest.json`, `image/0001.dcm`. */
  path: string;
  size: number;
}

export interface StudySource {
  list(): Promise<StudyFile[]>;
  read(path: string): Promise<Uint8Array>;
}
