#!/usr/bin/env python3
"""Checks a pancreas DICOM SEG written by core/dicom-seg against its source series and the mask it encodes.

Reads the SEG with pydicom (Debian's python3-pydicom 2.3; highdicom is not packaged in Debian bookworm) and
checks, independently of the TypeScript writer:
  - the SEG IOD basics: SOP class, Modality SEG, BINARY 1-bit frames, Explicit VR Little Endian, one segment
    "Pancreas" coded SCT 91723000 / SCT 15776009, algorithm AUTOMATIC;
  - references: StudyInstanceUID, FrameOfReferenceUID and ReferencedSeriesSequence equal the source's; each
    frame's SourceImageSequence names a source instance of the right SOP class, and the frame's
    ImagePositionPatient, the shared ImageOrientationPatient and PixelSpacing equal that instance's;
  - pixels: every pixel of every frame, placed in the world by the frame's own plane geometry and mapped to
    the mask grid through the mask's RAS affine, equals the mask there; and the frames hold every mask voxel;
  - identification: each patient/study identification attribute the SEG has non-empty equals the source's,
    and the SEG has none the source lacks.

Usage: check-seg.py SEG.dcm SOURCE_DIR MASK.raw MASK.json
  MASK.raw  the mask, uint8, i fastest then j then k; MASK.json {"dims": [nx, ny, nz], "affine": [16 numbers,
  row-major, voxel -> RAS mm]}.
Prints a JSON summary on success; the failures on stderr and exit status 1 otherwise.
"""
import json
import pathlib
import sys

import numpy as np
import pydicom

SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"
EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
IDENTIFICATION = [
    "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientBirthTime", "PatientSex",
    "PatientIdentityRemoved", "DeidentificationMethod", "StudyDate", "StudyTime", "AccessionNumber",
    "ReferringPhysicianName", "StudyDescription", "StudyID",
]
POSITION_TOLERANCE_MM = 1e-3
ORIENTATION_TOLERANCE = 1e-5

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def code(item):
    return (str(item.CodeValue), str(item.CodingSchemeDesignator))


def main(seg_path, source_dir, mask_path, geometry_path):
    seg = pydicom.dcmread(seg_path)
    sources = {}
    for path in sorted(pathlib.Path(source_dir).iterdir()):
        if path.is_file():
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            sources[str(ds.SOPInstanceUID)] = ds
    first = next(iter(sources.values()))
    geometry = json.loads(pathlib.Path(geometry_path).read_text())
    nx, ny, nz = geometry["dims"]
    mask = np.fromfile(mask_path, dtype=np.uint8).reshape(nz, ny, nx)
    to_voxel = np.linalg.inv(np.array(geometry["affine"], dtype=float).reshape(4, 4))

    check(seg.file_meta.TransferSyntaxUID == EXPLICIT_VR_LE, "not Explicit VR Little Endian")
    check(seg.SOPClassUID == SEG_SOP_CLASS, "not Segmentation Storage")
    check(seg.Modality == "SEG", "Modality is not SEG")
    check(seg.SegmentationType == "BINARY", "SegmentationType is not BINARY")
    check(seg.BitsAllocated == 1 and seg.BitsStored == 1 and seg.HighBit == 0, "not 1-bit frames")
    check(len(seg.SegmentSequence) == 1, "not exactly one segment")
    segment = seg.SegmentSequence[0]
    check(segment.SegmentLabel == "Pancreas", "segment label")
    check(segment.SegmentAlgorithmType == "AUTOMATIC", "algorithm type")
    check(bool(str(segment.get("SegmentAlgorithmName", ""))), "no algorithm name")
    check(code(segment.SegmentedPropertyCategoryCodeSequence[0]) == ("91723000", "SCT"), "category code")
    check(code(segment.SegmentedPropertyTypeCodeSequence[0]) == ("15776009", "SCT"), "type code")

    check(seg.StudyInstanceUID == first.StudyInstanceUID, "StudyInstanceUID differs from the source")
    check(seg.FrameOfReferenceUID == first.FrameOfReferenceUID, "FrameOfReferenceUID differs from the source")
    check(seg.SeriesInstanceUID != first.SeriesInstanceUID, "the SEG reuses the source SeriesInstanceUID")
    referenced_series = seg.ReferencedSeriesSequence[0]
    check(referenced_series.SeriesInstanceUID == first.SeriesInstanceUID, "ReferencedSeriesSequence series")
    listed = {str(i.ReferencedSOPInstanceUID) for i in referenced_series.ReferencedInstanceSequence}

    shared = seg.SharedFunctionalGroupsSequence[0]
    orientation = np.array(shared.PlaneOrientationSequence[0].ImageOrientationPatient, dtype=float)
    spacing = np.array(shared.PixelMeasuresSequence[0].PixelSpacing, dtype=float)
    check(np.allclose(orientation, np.array(first.ImageOrientationPatient, dtype=float),
                      atol=ORIENTATION_TOLERANCE), "ImageOrientationPatient differs from the source")
    check(np.allclose(spacing, np.array(first.PixelSpacing, dtype=float), rtol=1e-6),
          "PixelSpacing differs from the source")
    check(seg.Rows == first.Rows and seg.Columns == first.Columns, "Rows/Columns differ from the source")

    frames = seg.pixel_array.reshape(int(seg.NumberOfFrames), seg.Rows, seg.Columns)
    rows, columns = np.meshgrid(np.arange(seg.Rows), np.arange(seg.Columns), indexing="ij")
    row_dir, column_dir = orientation[:3], orientation[3:]
    covered = np.zeros_like(mask, dtype=bool)
    referenced = []
    for n, item in enumerate(seg.PerFrameFunctionalGroupsSequence):
        source_ref = item.DerivationImageSequence[0].SourceImageSequence[0]
        uid = str(source_ref.ReferencedSOPInstanceUID)
        referenced.append(uid)
        if not check(uid in sources, f"frame {n + 1} references an instance not in the source series"):
            continue
        source = sources[uid]
        check(uid in listed, f"frame {n + 1}'s source is not in ReferencedSeriesSequence")
        check(source_ref.ReferencedSOPClassUID == source.SOPClassUID, f"frame {n + 1} SOP class")
        position = np.array(item.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
        check(np.allclose(position, np.array(source.ImagePositionPatient, dtype=float),
                          atol=POSITION_TOLERANCE_MM), f"frame {n + 1} ImagePositionPatient differs from its source")
        # DICOM: pixel (r, c) at IPP + c * PixelSpacing[1] * row direction + r * PixelSpacing[0] * column direction.
        world = (position[None, None, :] + columns[..., None] * spacing[1] * row_dir
                 + rows[..., None] * spacing[0] * column_dir)
        ras = world * np.array([-1.0, -1.0, 1.0])
        voxel = np.einsum("ij,rcj->rci", to_voxel[:3, :3], ras) + to_voxel[:3, 3]
        index = np.rint(voxel).astype(int)
        if not check(np.abs(voxel - index).max() < 0.01, f"frame {n + 1} pixels are not on mask voxels"):
            continue
        i, j, k = index[..., 0], index[..., 1], index[..., 2]
        inside = (i >= 0) & (i < nx) & (j >= 0) & (j < ny) & (k >= 0) & (k < nz)
        if not check(inside.all(), f"frame {n + 1} falls outside the mask grid"):
            continue
        expected = mask[k, j, i]
        check(np.array_equal(frames[n], expected), f"frame {n + 1} pixels differ from the mask")
        covered[k, j, i] = True
    check(len(set(referenced)) == len(referenced), "two frames reference the same source instance")
    check(not (mask.astype(bool) & ~covered).any(), "mask voxels on slices without a frame")

    identification = {}
    for keyword in IDENTIFICATION:
        in_seg = str(seg.get(keyword, "") or "")
        in_source = str(first.get(keyword, "") or "") if keyword in first else None
        if in_seg:
            check(in_source == in_seg, f"{keyword} in the SEG is not the source's")
        elif in_source:
            check(False, f"{keyword} of the source is missing from the SEG")
        identification[keyword] = "equal" if in_seg else "absent or empty in both"

    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print(json.dumps({
        "frames": int(seg.NumberOfFrames),
        "maskVoxels": int(mask.sum()),
        "segPixels": int(frames.sum()),
        "sourceInstances": len(sources),
        "identification": identification,
    }))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
