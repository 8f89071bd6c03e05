import { describe, expect, it } from 'vitest';
import { fhirResourceTypes, fhirSchemaErrors } from '../support/fhir-schema';

describe('test/support/fhir-schema: the official FHIR R4 JSON schema', () => {
  it("holds R4's 146 resource types and none of Medplum's own", () => {
    const types = fhirResourceTypes();
    expect(types).toHaveLength(146);
    expect(types).toEqual(expect.arrayContaining(['RiskAssessment', 'Observation', 'Bundle', 'Patient']));
    for (const medplum of ['Project', 'Bot', 'AccessPolicy', 'ViewDefinition', 'ViewDefinitionConstant'])
      expect(types).not.toContain(medplum);
  });

  it('accepts a valid Observation and refuses what R4 forbids, with the path of each error', () => {
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart rate' },
      valueQuantity: { value: 112, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    };
    expect(fhirSchemaErrors(observation)).toEqual([]);
    expect(fhirSchemaErrors({ ...observation, status: 'done' })).toEqual([
      '/status must be equal to one of the allowed values',
    ]);
    expect(fhirSchemaErrors({ ...observation, valueQuantity: { value: '112' } })).toEqual([
      '/valueQuantity/value must be number',
    ]);
  });

  it("refuses Medplum's inline Reference.resource, which HL7's Reference does not have", () => {
    const subject = { identifier: { system: 'urn:x', value: 'a' } };
    const assessment = { resourceType: 'RiskAssessment', status: 'final', subject };
    expect(fhirSchemaErrors(assessment)).toEqual([]);
    expect(fhirSchemaErrors({ ...assessment, subject: { ...subject, resource: {} } })).toEqual([
      '/subject must NOT have additional properties',
    ]);
  });
});
