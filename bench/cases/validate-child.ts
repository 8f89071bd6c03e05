// Runs in its own process so that its peak resident memory is the validation's alone.
import { folderSource } from '../../core/ingest/folder-source';
import { validateStudy } from '../../core/ingest/validate-study';
import { encodeNiftiGz } from '../../core/imaging/nifti';

const [folder, mode] = process.argv.slice(2) as [string, 'load' | 'load+encode'];
const baseline = process.memoryUsage().rss;
const start = performance.now();
const { report, volume } = await validateStudy(folderSource(folder));
const validateMs = performance.now() - start;
if (!report.ok || !volume) throw new Error(`phantom study rejected: ${JSON.stringify(report.errors)}`);
const encodeStart = performance.now();
const gzBytes = mode === 'load+encode' ? encodeNiftiGz(volume).byteLength : 0;
const encodeMs = performance.now() - encodeStart;
const peakBytes = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    validateMs,
    encodeMs,
    gzBytes,
    volumeBytes: volume.data.byteLength,
    peakAboveBaseline: peakBytes - baseline,
  }),
);
