/**
 * Hostile uploads for the end-to-end security test: object keys a client might send, and manifests that
 * are too big, lie about sizes, or point outside the study. Each names the outcome it must have.
 */
import { buildManifest, CLINICAL_FILE, MANIFEST_FILE } from '../../core/ingest/manifest';
import { LIMITS } from '../../core/input/limits';
import { json, smallCtNifti, study, type StudyFiles } from '../bad-inputs/study-builder';

/** An object key for a manifest, and what must become of it. */
export interface HostileKey {
  name: string;
  key: string;
  /**
   * `refused`: the local S3 server answers 4xx with this error code (real S3 stores such keys; the local
   * one cannot without leaving its folder). `ignored`: stored, but StartStudy starts nothing, and the
   * results API answers GET /studies/{segment} with `api` (the segment after incoming/).
   */
  outcome: { refused: string } | { ignored: true; api: 400 | 404 };
}

export const HOSTILE_KEYS: HostileKey[] = [
  { name: 'parent segment', key: 'incoming/../x/manifest.json', outcome: { refused: 'InvalidArgument' } },
  { name: 'dot segment', key: 'incoming/./study-1/manifest.json', outcome: { refused: 'InvalidArgument' } },
  { name: 'empty study id', key: 'incoming//manifest.json', outcome: { refused: 'InvalidArgument' } },
  {
    name: 'NUL in the id',
    key: 'incoming/study\u0000-1/manifest.json',
    outcome: { refused: 'InvalidArgument' },
  },
  {
    name: 'newline in the id',
    key: 'incoming/study\n-1/manifest.json',
    outcome: { refused: 'InvalidArgument' },
  },
  {
    name: 'a 300-character segment',
    key: `incoming/${'a'.repeat(300)}/manifest.json`,
    outcome: { refused: 'InvalidArgument' },
  },
  {
    name: 'a key over 1,024 bytes',
    key: `incoming/${'a/'.repeat(520)}manifest.json`,
    outcome: { refused: 'KeyTooLongError' },
  },
  { name: 'literal %2e%2e', key: 'incoming/%2e%2e/manifest.json', outcome: { ignored: true, api: 400 } },
  { name: 'encoded slash', key: 'incoming/a%2Fb/manifest.json', outcome: { ignored: true, api: 400 } },
  {
    name: 'a 65-character id',
    key: `incoming/${'a'.repeat(65)}/manifest.json`,
    outcome: { ignored: true, api: 400 },
  },
  { name: 'a space', key: 'incoming/my study/manifest.json', outcome: { ignored: true, api: 400 } },
  { name: 'a plus', key: 'incoming/a+b/manifest.json', outcome: { ignored: true, api: 400 } },
  {
    name: 'a Cyrillic look-alike',
    key: 'incoming/\u0455tudy-1/manifest.json',
    outcome: { ignored: true, api: 400 },
  },
  {
    name: 'a right-to-left override',
    key: 'incoming/study\u202Egpj.exe/manifest.json',
    outcome: { ignored: true, api: 400 },
  },
  {
    name: 'a zero-width space',
    key: 'incoming/stu\u200Bdy-1/manifest.json',
    outcome: { ignored: true, api: 400 },
  },
  {
    name: 'fullwidth letters',
    key: 'incoming/\uFF53tudy-1/manifest.json',
    outcome: { ignored: true, api: 400 },
  },
  {
    name: 'a manifest one folder down',
    key: 'incoming/hostile-nested/sub/manifest.json',
    outcome: { ignored: true, api: 404 },
  },
  { name: 'outside incoming/', key: 'work/hostile-work/manifest.json', outcome: { ignored: true, api: 404 } },
];

/** A study with a manifest that must fail Validate with `issue` in its message. */
export interface HostileManifest {
  name: string;
  issue: string;
  /** Text the failure message must also hold. */
  says?: string;
  build: (studyId: string) => StudyFiles;
}

const encoder = new TextEncoder();
/** clinical.json and a small valid NIfTI: only the manifest is wrong. */
const validFiles = (): StudyFiles =>
  Object.fromEntries(
    Object.entries(study({ 'image/ct.nii.gz': smallCtNifti() })).filter(([path]) => path !== MANIFEST_FILE),
  );
/** The valid files and a manifest edited by `edit` (which receives the correct one). */
const withManifest =
  (edit: (manifest: ReturnType<typeof buildManifest>, files: StudyFiles) => unknown) =>
  (studyId: string): StudyFiles => {
    const files = validFiles();
    const manifest = edit(buildManifest(files, studyId), files);
    return {
      ...files,
      [MANIFEST_FILE]: typeof manifest === 'string' ? encoder.encode(manifest) : json(manifest),
    };
  };
const image = (manifest: ReturnType<typeof buildManifest>) =>
  manifest.files.find((f) => f.path !== CLINICAL_FILE)!;

export const HOSTILE_MANIFESTS: HostileManifest[] = [
  {
    name: 'lists 5,000 image files',
    issue: 'MANIFEST_INVALID',
    says: `at most ${LIMITS.maxFiles}`,
    build: withManifest((m) => ({
      ...m,
      files: [
        ...m.files,
        ...Array.from({ length: 5000 }, (_, i) => ({ path: `image/s${i}.dcm`, size: 1000 })),
      ],
    })),
  },
  {
    name: 'is 1.5 MiB of JSON',
    issue: 'FILE_TOO_LARGE',
    build: withManifest(
      (m) => `${JSON.stringify(m).slice(0, -1)}, "padding": "${'x'.repeat(1.5 * 1024 ** 2)}"}`,
    ),
  },
  {
    name: 'nests 100,000 arrays deep',
    issue: 'MANIFEST_INVALID',
    build: withManifest(
      (m) => `${JSON.stringify(m).slice(0, -1)}, "nested": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    ),
  },
  {
    name: 'says the image is 5 GiB',
    issue: 'MANIFEST_INVALID',
    says: `at most ${LIMITS.maxFileBytes}`,
    build: withManifest((m) => {
      image(m).size = 5 * 1024 ** 3;
      return m;
    }),
  },
  {
    name: 'says the image is 10 bytes',
    issue: 'MANIFEST_SIZE_MISMATCH',
    build: withManifest((m) => {
      image(m).size = 10;
      return m;
    }),
  },
  {
    name: 'gives a negative size',
    issue: 'MANIFEST_INVALID',
    build: withManifest((m) => {
      image(m).size = -1;
      return m;
    }),
  },
  {
    name: 'gives a fractional size',
    issue: 'MANIFEST_INVALID',
    build: withManifest((m) => {
      image(m).size = 12.5;
      return m;
    }),
  },
  {
    name: 'lists a file twice',
    issue: 'MANIFEST_INVALID',
    says: 'listed twice',
    build: withManifest((m) => ({ ...m, files: [...m.files, image(m)] })),
  },
  {
    name: "names another study's id",
    issue: 'MANIFEST_INVALID',
    says: 'is not this study',
    build: withManifest((m) => ({ ...m, studyId: 'hostile-victim' })),
  },
  {
    name: "lists paths into another study's folder",
    issue: 'MANIFEST_INVALID',
    says: 'unsafe or unexpected path',
    build: withManifest((m) => ({
      ...m,
      files: [
        ...m.files,
        { path: '../hostile-victim/clinical.json', size: 10 },
        { path: 'image/../../hostile-victim/image/ct.nii.gz', size: 10 },
        { path: 'image/%2e%2e/%2e%2e/hostile-victim/clinical.json', size: 10 },
        { path: 'image\\..\\..\\hostile-victim\\clinical.json', size: 10 },
        { path: '/incoming/hostile-victim/clinical.json', size: 10 },
        { path: 'image/ct.nii.gz\u0000.txt', size: 10 },
        { path: `image/${'a'.repeat(1000)}`, size: 10 },
      ],
    })),
  },
  { name: 'is a JSON array', issue: 'MANIFEST_INVALID', build: withManifest((m) => [m]) },
  { name: 'is JSON null', issue: 'MANIFEST_INVALID', build: withManifest(() => null) },
  {
    name: 'is UTF-16',
    issue: 'JSON_INVALID',
    says: 'UTF-8',
    build: (studyId) => ({
      ...validFiles(),
      [MANIFEST_FILE]: new Uint8Array(
        Buffer.from(`\uFEFF${JSON.stringify({ schemaVersion: 1, studyId })}`, 'utf16le'),
      ),
    }),
  },
];
