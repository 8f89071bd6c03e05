/**
 * Keys that name a patient identifier. clinical.json must not carry any (docs/architecture.md: a studyId is
 * never a patient identifier; the hospital keeps the mapping). Compared case- and punctuation-blind, at any
 * depth, so `patient_name`, `PatientID` and `dateOfBirth` are all caught.
 */
const IDENTIFIER_KEYS = new Set([
  'name',
  'fullname',
  'firstname',
  'middlename',
  'lastname',
  'surname',
  'givenname',
  'familyname',
  'patientname',
  'patientid',
  'patientidentifier',
  'patientnumber',
  'mrn',
  'medicalrecordnumber',
  'medicalrecordno',
  'recordnumber',
  'hospitalnumber',
  'inpatientnumber',
  'admissionnumber',
  'casenumber',
  'dateofbirth',
  'dob',
  'birthdate',
  'birthday',
  'ssn',
  'socialsecuritynumber',
  'nationalid',
  'nationalidnumber',
  'idcard',
  'idcardnumber',
  'idnumber',
  'passport',
  'passportnumber',
  'nhsnumber',
  'insurancenumber',
  'insuranceid',
  'address',
  'streetaddress',
  'postcode',
  'zipcode',
  'phone',
  'phonenumber',
  'telephone',
  'mobile',
  'email',
  'emailaddress',
]);

/** Chinese hospital exports: name, ID card, record/inpatient number, date of birth, phone, address. */
const IDENTIFIER_FRAGMENTS = ['姓名', '身份证', '病历号', '住院号', '出生日期', '电话', '住址', '地址'];

export function isIdentifierKey(key: string): boolean {
  return (
    IDENTIFIER_KEYS.has(key.toLowerCase().replace(/[^a-z0-9]/g, '')) ||
    IDENTIFIER_FRAGMENTS.some((fragment) => key.includes(fragment))
  );
}

/** JSON paths of every identifier-named key in `value`, at any depth. */
export function identifierPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => identifierPaths(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = joinPath(path, key);
    return isIdentifierKey(key) ? [childPath] : identifierPaths(child, childPath);
  });
}

/** `admission` + `wbc` → `admission.wbc`; keys that are not identifiers are quoted. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const segment = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  if (!path) return segment;
  return segment.startsWith('"') ? `${path}[${segment}]` : `${path}.${segment}`;
}
