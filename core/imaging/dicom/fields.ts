import type { DataSet } from 'dicom-parser';
import type { ValidationIssue } from '../../input/issues';
import { TAG, type TagKeyword } from './tags';

/** Reads attributes by keyword, recording a DICOM_MISSING_TAG or DICOM_PARSE_ERROR issue for each bad one. */
export class FieldReader {
  readonly issues: ValidationIssue[] = [];
  constructor(
    readonly file: string,
    readonly dataSet: DataSet,
  ) {}

  issue(code: ValidationIssue['code'], field: TagKeyword, message: string): void {
    this.issues.push({ code, file: this.file, field, message });
  }
  missing(field: TagKeyword): void {
    this.issue('DICOM_MISSING_TAG', field, `required attribute ${field} is missing or empty`);
  }
  optionalString(field: TagKeyword): string | undefined {
    return this.dataSet.string(TAG[field])?.trim() || undefined;
  }
  string(field: TagKeyword): string | undefined {
    const value = this.optionalString(field);
    if (value === undefined) this.missing(field);
    return value;
  }
  uint16(field: TagKeyword): number | undefined {
    const element = this.dataSet.elements[TAG[field]];
    if (!element || element.length < 2) {
      this.missing(field);
      return undefined;
    }
    return this.dataSet.uint16(TAG[field]);
  }
  /** A DS/IS value; undefined when absent or empty, a parse issue when not a finite number. */
  optionalNumber(field: TagKeyword): number | undefined {
    return this.numberList(field)?.[0];
  }
  numbers(field: TagKeyword, count: number): number[] | undefined {
    const values = this.numberList(field);
    if (values === null) return undefined;
    if (values === undefined) {
      this.missing(field);
      return undefined;
    }
    if (values.length < count) {
      this.issue('DICOM_PARSE_ERROR', field, `expected ${count} values, got ${values.length}`);
      return undefined;
    }
    return values.slice(0, count);
  }
  /** The values of a DS/IS attribute: undefined when absent, null when malformed (an issue is recorded). */
  private numberList(field: TagKeyword): number[] | undefined | null {
    const text = this.optionalString(field);
    if (text === undefined) return undefined;
    const values = text.split('\\').map((s) => (s.trim() === '' ? NaN : Number(s)));
    if (!values.every(Number.isFinite)) {
      this.issue('DICOM_PARSE_ERROR', field, `not a number: "${text}"`);
      return null;
    }
    return values;
  }
}
