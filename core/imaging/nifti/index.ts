/** NIfTI-1 / NIfTI-2 reading and NIfTI-1 writing; see read.ts and write.ts. */
export { qformAffine, quaternionForm, sformAffine, type OrientationSource } from './affine';
export { NIFTI_DATATYPE_CODES, type NiftiDatatypeName, type SupportedDatatype } from './datatypes';
export type { NiftiHeader } from './header';
export { isGzip } from './gzip';
export {
  niftiToHuVolume,
  readNifti,
  readNiftiHeader,
  readNiftiHuVolume,
  type NiftiGeometry,
  type NiftiHuVolume,
  type NiftiImage,
} from './read';
export {
  encodeNifti,
  encodeNiftiGz,
  uint8WithHeaderRoom,
  type EncodeNiftiGzOptions,
  type EncodeNiftiOptions,
  type NiftiWritable,
} from './write';
