/**
 * No patient data in logs or error records: studies whose DICOM headers and clinical.json carry a
 * recognisable name, ids, birth date, institution and physician go through the local stack (one completes,
 * two are rejected), with every function and the inference server logging at DEBUG. Every line written to
 * stdout, stderr or the console, every stored failure (studies table, rejected/, the runner's executions),
 * every results API answer and every result file is searched for those values. The DICOM SEG
 * (results/{id}/…/pancreas-seg.dcm) carries the patient's identification by design, so that a PACS files
 * it with the source study: it is checked instead to carry exactly the source's, and nothing more.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest, CLINICAL_FILE, MANIFEST_FILE } from '../../core/ingest/manifest';
import { phantomStudyFiles } from '../../core/phantom';
import { readMaskNifti } from '../../core/imaging/mask';
import { studyKeys, workKeys } from '../../core/study/keys';
import { checkWithPydicom, pydicomMissing } from '../dicom-seg/seg-case';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { startE2eStack, type E2eStack } from '../e2e/local-stack';
import { COMPLETING_PHANTOM, studyItem } from './support';

/** What identifies the patient, as written into the uploads; searched for case-blind. */
const PATIENT = {
  name: 'QUACKENBUSH^ZEBULON',
  id: 'MRN-88412377',
  birthDate: '19570314',
  institution: 'SAINT ELSEWHERE GENERAL',
  physician: 'KILDARE^JAMES',
  accession: 'ACC5512093',
};
const NEEDLES = [
  'zebulon',
  'quackenbush',
  '88412377',
  '19570314',
  '1957-03-14',
  'elsewhere',
  'kildare',
  '5512093',
];

const COMPLETES = 'pd-completes';
const IDENTIFIER_FIELDS = 'pd-identifier-fields';
const BROKEN_JSON = 'pd-broken-json';
const STUDIES = [COMPLETES, IDENTIFIER_FIELDS, BROKEN_JSON];

/** Every line written while the stack runs; nothing reaches the terminal. */
const written: string[] = [];
const restoreOutput: (() => void)[] = [];

function captureOutput(): void {
  const decoder = new TextDecoder();
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = ((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk));
      return true;
    }) as typeof stream.write;
    restoreOutput.push(() => (stream.write = write));
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) =>
      written.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    restoreOutput.push(() => (console[method] = original));
  }
}

/** The phantom's DICOM slice with the patient's identifiers in its header. */
function withPatientHeaders(bytes: Uint8Array): Uint8Array {
  const message = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
  const set = (tag: string, vr: string, value: unknown) => (message.dict[tag] = { vr, Value: [value] });
  set('00100010', 'PN', { Alphabetic: PATIENT.name });
  set('00100020', 'LO', PATIENT.id);
  set('00100030', 'DA', PATIENT.birthDate);
  set('00080080', 'LO', PATIENT.institution);
  set('00080090', 'PN', { Alphabetic: PATIENT.physician });
  set('00080050', 'SH', PATIENT.accession);
  return new Uint8Array(message.write());
}

/** A DICOM study of the phantom with identifying headers, the given clinical.json and its manifest. */
function identifiableStudy(studyId: string, clinical: Uint8Array): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(phantomStudyFiles(COMPLETING_PHANTOM, 'dicom', studyId)))
    if (name !== MANIFEST_FILE) files[name] = name.endsWith('.dcm') ? withPatientHeaders(bytes) : bytes;
  files[CLINICAL_FILE] = clinical;
  return { ...files, [MANIFEST_FILE]: json(buildManifest(files, studyId)) };
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2));
const { clinical } = COMPLETING_PHANTOM;
const freeText = `Zebulon Quackenbush, ${PATIENT.id}, born 1957-03-14, referred by Dr James Kildare`;

let e2e: E2eStack;
beforeAll(async () => {
  captureOutput();
  e2e = await startE2eStack({ logLevel: 'DEBUG', timeScale: 0.01 });
});
afterAll(async () => {
  await e2e?.close();
  for (const restore of restoreOutput.splice(0)) restore();
});

/** The DICOM SEGs: they carry the source's identification by design (checked apart). */
const isSegmentation = (key: string) => key.endsWith('/pancreas-seg.dcm');

/** Every text the stack made of the three studies that a person or a log pipeline could read. */
async function everythingReadable(): Promise<Record<string, string>> {
  const texts: Record<string, string> = { logs: written.join('\n') };
  const { Items } = await e2e.studies.send(new ScanCommand({ TableName: LOCAL_NAMES.studiesTable }));
  texts.studiesTable = JSON.stringify(Items);
  for (const studyId of STUDIES) {
    for (const prefix of [`rejected/${studyId}/`, `results/${studyId}/`])
      for (const [key, bytes] of await e2e.objects(prefix))
        if (!isSegmentation(key)) texts[key] = new TextDecoder().decode(bytes);
    const response = await fetch(`${e2e.stack.apiUrl}/studies/${studyId}`);
    texts[`GET /studies/${studyId}`] = await response.text();
  }
  for (const status of ['COMPLETED', 'FAILED'])
    texts[`GET /studies?status=${status}`] = await (
      await fetch(`${e2e.stack.apiUrl}/studies?status=${status}`)
    ).text();
  texts.executions = JSON.stringify(e2e.stack.stepFunctions.listExecutions());
  texts.executionJournal = await readFile(path.join(e2e.stack.dataDir, 'executions.jsonl'), 'utf8');
  texts.deadLetters = JSON.stringify(e2e.stack.deadLetters);
  return texts;
}

/** The completing study's upload, for checking its SEG against the source series. */
let completes: Record<string, Uint8Array>;

describe('patient identifiers in an upload reach no log line and no error record', () => {
  it('runs a completing study and two rejected ones carrying identifiers', async () => {
    completes = identifiableStudy(
      COMPLETES,
      json({
        ...clinical,
        referralNote: freeText,
        admission: { ...clinical.admission, attendingPhysician: freeText },
      }),
    );
    expect(
      Buffer.from(completes[Object.keys(completes).find((n) => n.endsWith('.dcm'))!]!).toString('latin1'),
    ).toContain(PATIENT.name);
    expect(await e2e.run(COMPLETES, completes)).toMatchObject({ status: 'SUCCEEDED' });

    const identifierFields = json({
      ...clinical,
      patientName: 'Zebulon Quackenbush',
      admission: { ...clinical.admission, dateOfBirth: '1957-03-14', mrn: PATIENT.id },
    });
    expect(
      await e2e.run(IDENTIFIER_FIELDS, identifiableStudy(IDENTIFIER_FIELDS, identifierFields)),
    ).toMatchObject({
      status: 'FAILED',
      error: 'INPUT_REJECTED',
    });

    // Not JSON: a parser's message would quote the text around the error.
    const broken = new TextEncoder().encode(`{"schemaVersion": 1, "note": ${freeText}}`);
    expect(await e2e.run(BROKEN_JSON, identifiableStudy(BROKEN_JSON, broken))).toMatchObject({
      status: 'FAILED',
      error: 'INPUT_REJECTED',
    });
  });

  it('the failures say what is wrong without the values', async () => {
    expect((await studyItem(e2e, IDENTIFIER_FIELDS))!.error!.message).toMatch(
      /\[CLINICAL_INVALID\] clinical\.json patientName: patient identifiers must not be uploaded/,
    );
    expect((await studyItem(e2e, BROKEN_JSON))!.error!.message).toMatch(
      /\[JSON_INVALID\] clinical\.json: not valid JSON/,
    );
  });

  it('finds none of the identifiers in anything readable', async () => {
    const texts = await everythingReadable();
    // The search is not vacuous: the logs were captured at DEBUG from the functions and the inference
    // server, and the free text did travel with the study (kept in its normalised clinical record).
    for (const studyId of STUDIES) expect(texts.logs).toContain(`"studyId":"${studyId}"`);
    expect(texts.logs).toContain('"service":"sap-inference"');
    expect(texts.logs).toContain('"message":"study scored"');
    const item = (await studyItem(e2e, COMPLETES))!;
    const kept = await e2e.objects(workKeys(item).clinical);
    expect(new TextDecoder().decode(kept.get(workKeys(item).clinical))).toContain('Zebulon');

    const found = Object.entries(texts).flatMap(([where, text]) =>
      NEEDLES.filter((needle) => text.toLowerCase().includes(needle)).map(
        (needle) => `${needle} in ${where}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it("the DICOM SEGs carry the source's identification and nothing more; rejected studies have none", async () => {
    const segmentations = [...(await e2e.objects(`results/${COMPLETES}/`))].filter(([key]) =>
      isSegmentation(key),
    );
    // The run's own (results/{id}/v-…/) and the latest's copy (results/{id}/pancreas-seg.dcm).
    expect(segmentations.map(([key]) => key.replace(/v-[0-9a-f]{16}/, 'v-…')).sort()).toEqual([
      `results/${COMPLETES}/pancreas-seg.dcm`,
      `results/${COMPLETES}/v-…/pancreas-seg.dcm`,
    ]);
    for (const [, bytes] of segmentations) {
      const seg = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer).dict;
      const value = (tag: string) => seg[tag]?.Value?.[0];
      expect(value('00100010')).toEqual({ Alphabetic: PATIENT.name });
      expect(value('00100020')).toBe(PATIENT.id);
      expect(value('00100030')).toBe(PATIENT.birthDate);
      expect(value('00080090')).toEqual({ Alphabetic: PATIENT.physician });
      expect(value('00080050')).toBe(PATIENT.accession);
      // The institution identifies where the patient was seen: filing the SEG does not need it.
      expect(seg['00080080']).toBeUndefined();
    }
    for (const studyId of [IDENTIFIER_FIELDS, BROKEN_JSON])
      expect([...(await e2e.objects(`results/${studyId}/`)).keys()].filter(isSegmentation)).toEqual([]);
  });

  it.skipIf(pydicomMissing() !== undefined)(
    "the latest SEG, read by pydicom, is the run's mask on the uploaded series",
    async () => {
      const item = (await studyItem(e2e, COMPLETES))!;
      const maskKey = workKeys(item).mask;
      const mask = readMaskNifti((await e2e.objects(maskKey)).get(maskKey)!, 'mask.nii.gz');
      const segKey = studyKeys.segmentation(COMPLETES);
      const seg = (await e2e.objects(segKey)).get(segKey)!;
      const files = Object.entries(completes)
        .filter(([name]) => name.endsWith('.dcm'))
        .map(([name, bytes]) => ({ name, bytes }));
      const folder = await mkdtemp(path.join(tmpdir(), 'sap-pd-seg-'));
      try {
        const checked = checkWithPydicom(folder, files, mask, seg);
        expect(checked.stderr).toBe('');
        expect(checked.summary!.maskVoxels).toBeGreaterThan(0);
        expect(checked.summary!.segPixels).toBe(checked.summary!.maskVoxels);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  );
});
