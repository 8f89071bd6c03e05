/**
 * SageMaker instance types whose storage is local NVMe instance store, encrypted by the instance's own
 * hardware module. CreateEndpointConfig refuses a top-level KmsKeyId when any production variant runs on
 * one of them ("You can't request a KmsKeyId when using an instance type with local storage"):
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-KmsKeyId
 *
 * Which types have instance store volumes is the EC2 list the same page points to:
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/ (Instance store specifications), summarised at
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/InstanceStorage.html.
 */

/**
 * Families with NVMe instance store whose name does not carry the `d` attribute: the GPU, Trainium and
 * Gaudi families SageMaker hosts on (ml.g5, ml.g6, ml.g6e, ml.p5, ... all come with local NVMe SSDs).
 */
const INSTANCE_STORE_FAMILIES_WITHOUT_D = new Set([
  'g5',
  'g6',
  'g6e',
  'gr6',
  'p5',
  'p5e',
  'p5en',
  'trn1',
  'trn1n',
  'trn2',
  'dl1',
]);

/**
 * EC2's naming convention marks instance store volumes with a `d` after the generation: m5d, c5d, r5d,
 * m6id, c6gd, g4dn, g4ad, p3dn, p4d, p4de. (No SageMaker family has a `d` for any other reason.)
 */
const D_ATTRIBUTE = /^[a-z]+\d+[a-z]*d[a-z]*$/;

/** The family of a SageMaker instance type: `ml.g5.xlarge` → `g5`. */
function familyOf(instanceType: string): string {
  const [prefix, family] = instanceType.split('.');
  if (prefix !== 'ml' || !family) throw new Error(`not a SageMaker instance type: ${instanceType}`);
  return family;
}

/** Whether `instanceType` (ml.family.size) has local NVMe instance storage instead of an EBS ML volume. */
export function hasInstanceStorage(instanceType: string): boolean {
  const family = familyOf(instanceType);
  return INSTANCE_STORE_FAMILIES_WITHOUT_D.has(family) || D_ATTRIBUTE.test(family);
}
