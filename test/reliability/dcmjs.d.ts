/** The part of dcmjs (no bundled types) the reliability tests use to write patient headers into DICOM files. */
declare module 'dcmjs' {
  interface DicomElement {
    vr: string;
    Value: unknown[];
  }
  interface DicomDict {
    dict: Record<string, DicomElement>;
    write(): ArrayBuffer;
  }
  const dcmjs: { data: { DicomMessage: { readFile(buffer: ArrayBuffer): DicomDict } } };
  export default dcmjs;
}
