import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The bound on the demo's first run on a 2-core machine. */
const DEMO_LIMIT_MS = 120_000;

let outRoot: string | undefined;
afterAll(() => (outRoot ? rm(outRoot, { recursive: true, force: true }) : undefined));

describe('npm start, as a user runs it', () => {
  it(
    'runs the sample study through the local stack, prints the result and exits 0',
    async () => {
      outRoot = await mkdtemp(path.join(tmpdir(), 'sap-npm-start-'));
      // A clean state: the demo writes under SAP_LOCAL_DIR instead of the repository's .sap-local/.
      const env: NodeJS.ProcessEnv = { ...process.env, SAP_LOCAL_DIR: outRoot };
      // Not what a user's shell holds: the test setup's Lambda environment and fake credentials.
      for (const name of Object.keys(env))
        if (/^(AWS_|POWERTOOLS_|STUDIES_TABLE$)/.test(name)) delete env[name];
      const started = Date.now();
      const { code, stdout, stderr } = await new Promise<{
        code: number | null;
        stdout: string;
        stderr: string;
      }>((resolve) => {
        const child = execFile(
          'npm',
          ['start', '--silent'],
          { cwd: REPO, env, timeout: DEMO_LIMIT_MS },
          (error, stdout, stderr) =>
            resolve({
              code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
              stdout,
              stderr,
            }),
        );
        child.stdin?.end();
      });
      const elapsed = Date.now() - started;
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(elapsed).toBeLessThan(DEMO_LIMIT_MS);
      for (const stage of ['Validate', 'Infer', 'Radiomics', 'Fuse'])
        expect(stdout).toMatch(new RegExp(`${stage}\\s+\\d+\\.\\d s`));
      expect(stdout).toMatch(/: COMPLETED \d+\.\d s after upload/);
      expect(stdout).toMatch(
        /Probability of severe acute pancreatitis: \d+\.\d % {2}— (low|moderate|high) risk/,
      );
      expect(stdout).toContain('Top factors:');
      // The sample is severe (necrosis, pleural effusion); the demo model fuses the ResNet50's probability.
      expect(stdout).toMatch(/ {2}— high risk/);
      expect(stdout).toMatch(/Deep-learning SAP probability \(0\.\d+\) raises the risk/);
      for (const score of ['BISAP', 'Ranson', 'MCTSI', 'SIRS']) expect(stdout).toContain(`  ${score} `);
      expect(stdout).toContain('not for clinical use');

      const demo = path.join(outRoot, 'demo');
      expect(stdout).toContain(`Explanation chart: ${path.join(demo, 'explanation.svg')}`);
      expect(stdout).toContain(`Pancreas mask:     ${path.join(demo, 'mask.nii.gz')}`);
      expect(await readFile(path.join(demo, 'explanation.svg'), 'utf8')).toContain('<svg');
      expect(existsSync(path.join(demo, 'study', 'manifest.json'))).toBe(true);
      // The stack's own data went to a temporary folder that the demo removed; nothing else was left.
      expect(await readdir(outRoot)).toEqual(['demo']);
    },
    DEMO_LIMIT_MS + 30_000,
  );
});
