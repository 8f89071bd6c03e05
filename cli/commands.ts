import { Option, type Command } from 'commander';
import { DEFAULT_GPU_INSTANCE_TYPE, STORAGE_DEFAULTS } from '../core/pipeline/deployment-defaults';
import { DEFAULT_INFERENCE_TIER, INFERENCE_TIERS } from '../core/pipeline/inference-tier';
import { RUN_MODES } from '../core/pipeline/run';
import { DEFAULT_DATA_DIR } from '../local/stack/paths';
import { openFraction, portNumber, positiveSeconds, wholeNumber } from './option-values';
import { runs, type CommandRun, type ProgramContext } from './program';

/** $SAP_BATCH_STATE_MACHINE: the stack output BatchStateMachineArn, when --state-machine is not given. */
export const BATCH_STATE_MACHINE_ENV = 'SAP_BATCH_STATE_MACHINE';
/**
 * local/api-client.ts's API_URL_ENV, spelt out: importing the client (the AWS signer) would slow every
 * `--help` by 0.2 s. test/cli/help.test.ts checks that the two agree.
 */
const API_URL_ENV_NAME = 'SAP_API_URL';
/** Step Functions Distributed Map's ceiling on MaxConcurrency. */
const MAX_CONCURRENCY = 10_000;

/**
 * Every `sap` command: its arguments, options and help. One name per idea across commands: `--endpoint` / `--api` (the
 * results API, local or deployed), `--models` (a folder of models), `--model-card` (the fusion model's card), `--model-version`,
 * `--data-dir` (the local stack's data), `--out`, `--wait` / `--timeout`, `--json` (every command).
 */
export function addCommands(
  program: Command,
  ctx: ProgramContext,
  setExitCode: (code: number) => void,
): void {
  const add = <T>(command: Command, load: () => Promise<CommandRun<T>>) =>
    runs(command, ctx, setExitCode, load);

  add(
    program
      .command('demo')
      .description('run the whole pipeline locally on the bundled sample study (what `npm start` runs)')
      .option(
        '--out <dir>',
        'where the sample study and the results go (default $SAP_LOCAL_DIR/demo or .sap-local/demo)',
      )
      .option('--models <dir>', 'the fusion model card and file, unet/ and resnet/ (default models/demo)'),
    async () => (await import('./demo-command')).demoCommand,
  );
  add(
    program
      .command('serve')
      .description('run the local stack until Ctrl-C: S3 endpoint, results API, workers')
      .option('--port-s3 <n>', 'port of the S3 endpoint (default: a free one)', portNumber)
      .option('--port-api <n>', 'port of the results API (default: a free one)', portNumber)
      .option(
        '--data-dir <dir>',
        `where S3 objects and the studies table are kept (default ${DEFAULT_DATA_DIR}/data)`,
      )
      .addOption(new Option('--data <dir>', 'the old name of --data-dir').hideHelp().conflicts('dataDir'))
      .option(
        '--models <dir>',
        "published to the local models bucket: the fusion model's model-card.json and file at the top, unet/ and resnet/ if you have your own (otherwise the demo's, with a notice); default models/demo",
      )
      .addOption(
        new Option(
          '--inference <tier>',
          'where the U-Net and ResNet50 run, as -c inference does in AWS: gpu (the container behind a local SageMaker endpoint) or cpu (the InferCpu Lambda handler)',
        )
          .choices(INFERENCE_TIERS)
          .default(DEFAULT_INFERENCE_TIER),
      ),
    async () => (await import('./serve-command')).serveCommand,
  );
  add(
    program
      .command('validate')
      .description('check a study folder (manifest, clinical.json, image) as the pipeline does')
      .argument('<study-folder>', 'a folder with manifest.json, clinical.json and the image')
      .option(
        '--fix-manifest',
        'first rewrite manifest.json from the files present (after editing clinical.json, say)',
      ),
    async () => (await import('./validate-command')).validateCommand,
  );
  add(
    program
      .command('radiomics')
      .description('IBSI radiomics features of one region (NIfTI image and mask, any orientation)')
      .requiredOption('--image <file>', 'the CT image (NIfTI)')
      .requiredOption('--mask <file>', 'the region (NIfTI)')
      .addOption(
        new Option(
          '--profile <name>',
          'a settings profile (default pancreas; a wrong name lists the others)',
        ).conflicts('settings'),
      )
      .option('--settings <file>', 'radiomics settings as JSON, instead of a profile'),
    async () => (await import('./radiomics-command')).radiomicsCommand,
  );
  add(
    program
      .command('ibsi-compliance')
      .description('IBSI-1 CT phantom, configurations A–E: pass/fail per reference value')
      .option(
        '--ibsi-dir <dir>',
        'the folder holding ct_phantom/ (default: the IBSI data beside the repository)',
      ),
    async () => (await import('./compliance-command')).complianceCommand,
  );
  add(
    program
      .command('infer')
      .description(
        "U-Net + ResNet50 locally: writes the pancreas mask on the image's grid in RAS, prints the result",
      )
      .requiredOption(
        '--image <path>',
        'a NIfTI file, a zip of a DICOM series, or a folder of one DICOM series',
      )
      .option('--models <dir>', 'unet/ and resnet/ (default models/demo)')
      .option('--out <file>', 'where the mask goes', 'mask.nii.gz')
      .option('--threads <n>', 'CPU threads for inference', wholeNumber(1))
      .addOption(
        new Option('--device <device>', 'where the networks run')
          .choices(['auto', 'cpu', 'cuda'])
          .default('auto'),
      ),
    async () => (await import('./infer-command')).inferCommand,
  );
  add(
    program
      .command('scores')
      .description('BISAP, Ranson, MCTSI, SIRS, ... of a clinical.json, with which inputs were missing')
      .argument('<clinical-json>', "a study's clinical.json"),
    async () => (await import('./scores-command')).scoresCommand,
  );
  add(
    modelCardOptions(
      program
        .command('predict')
        .description('XGBoost probability + SHAP for feature vectors given by name')
        .requiredOption('--features <file>', 'a JSON object, an array of them, or a CSV with a header row'),
    ),
    async () => (await import('./predict-command')).predictCommand,
  );
  add(
    program
      .command('check-card')
      .description('check a fusion model card, or a bare features list, against what the pipeline produces')
      .argument('<file>', 'a model-card.json, or a JSON array of feature entries (features.json)'),
    async () => (await import('./check-card-command')).checkCardCommand,
  );
  add(
    modelCardOptions(
      program
        .command('features')
        .description('the feature vector the pipeline would fuse, for one study or a folder of studies')
        .argument(
          '<folder>',
          'a study folder (with --mask) or a folder of study folders (with --masks and --out)',
        )
        .option('--mask <file>', 'the pancreas mask of the one study (NIfTI)')
        .option('--masks <dir>', 'the masks of a folder of studies, {studyId}.nii.gz')
        .option('--out <file>', 'the CSV table rows are appended to (with --masks)'),
    ),
    async () => (await import('./features-command')).featuresCommand,
  );
  add(
    apiOptions(
      program
        .command('submit')
        .description('upload a study (to the local stack or AWS) and print its studyId')
        .argument('<study-folder>', 'a folder with clinical.json and the image')
        .option(
          '--study-id <id>',
          'use this studyId ([A-Za-z0-9_-]{1,64}, never a patient identifier); default: a new one',
        ),
    ),
    async () => (await import('./submit-command')).submitCommand,
  );
  add(
    waitOptions(
      apiOptions(
        program
          .command('status')
          .description('read a study from the results API; --wait polls with progress until it ends')
          .argument('<studyId>', 'the studyId sap submit printed')
          .option(
            '--fhir',
            "print the completed study's FHIR R4 RiskAssessment (GET /studies/{studyId}/fhir)",
          ),
      ),
      'poll until COMPLETED (exit 0) or FAILED (exit 1), showing each stage on stderr',
      3600,
    ),
    async () => (await import('./status-command')).statusCommand,
  );
  add(
    waitOptions(
      apiOptions(
        program
          .command('rescore')
          .description(
            'score a completed study again with another fusion model version, without a new upload',
          )
          .argument('<studyId>', 'a COMPLETED study')
          .requiredOption(
            '--model-version <v>',
            'the fusion model version under models/xgboost/{v}/ in the models bucket',
          ),
      ),
      'poll until the rescore ends: exit 0 with the new result, 1 when it failed',
      900,
    ),
    async () => (await import('./rescore-command')).rescoreCommand,
  );
  addBatchCommands(
    program
      .command('batch')
      .description('many studies through the same pipeline: locally (run) or in AWS (submit, status)'),
    add,
  );
  add(
    modelCardOptions(
      program
        .command('evaluate')
        .description('AUC with DeLong CIs, calibration and decision curves against the classic scores')
        .argument('<cohort-csv>', 'one row per patient: the outcome, the classic scores and/or the features')
        .option(
          '--outcome <column>',
          'the outcome column: 1, yes or true for SAP; 0, no or false for none',
          'sap',
        )
        .option('--out <dir>', 'where the charts and report.html go', 'evaluation'),
      'the model to evaluate beside the classic scores',
    ),
    async () => (await import('./evaluate-command')).evaluateCommand,
  );
  add(
    program
      .command('join')
      .description(
        "the batch's features.csv with your outcome column, optionally split into train and held-out",
      )
      .argument('<features-csv>', "the batch's features.csv (one row per study)")
      .argument('<outcomes-csv>', 'one row per study: its id and the outcome (1 = SAP, 0 = not)')
      .requiredOption('--out <dir>', 'where table.csv (or train.csv and held-out.csv) go')
      .option('--outcome <column>', 'the outcome column of <outcomes-csv>, kept under this name', 'sap')
      .option('--id <column>', 'the study id column of both files', 'studyId')
      .option(
        '--holdout <fraction>',
        'hold out this share of each outcome class (seeded, stratified) as held-out.csv',
        openFraction,
      )
      .option('--seed <n>', 'the seed of the held-out split', wholeNumber(0), 1),
    async () => (await import('./join-command')).joinCommand,
  );
  add(
    program
      .command('phantoms')
      .description('write synthetic phantom study folders and their outcomes.csv, to try the own-data loop')
      .argument('<dir>', 'where the study folders and outcomes.csv go')
      .requiredOption('--count <n>', 'how many studies', wholeNumber(1, 10_000))
      .option('--seed <n>', 'the seed of the first study (the others follow)', wholeNumber(0), 1)
      .option('--dims <i,j,k>', 'voxels per axis (default 128,128,24: 2 × 2 × 5 mm)')
      .option('--format <format>', 'nifti or dicom', 'nifti'),
    async () => (await import('./phantoms-command')).phantomsCommand,
  );
  add(
    program
      .command('cost')
      .description(
        'monthly and per-study cost of a region, GPU and CPU inference tiers side by side, and which to deploy',
      )
      .option('--studies-per-day <n>', 'studies a day', '100')
      .option('--region <region>', 'the AWS region whose committed list prices are used', 'us-east-1')
      .option('--prices <file>', 'a price table as JSON, instead of a committed region')
      .option('--instance <type>', "the GPU tier's SageMaker instance type", DEFAULT_GPU_INSTANCE_TYPE)
      .option('--always-on', 'keep the GPU endpoint running instead of scaling to zero')
      .option('--arrival-hours <h>', 'hours of the day over which studies arrive', '24')
      .option('--gpu-seconds <s>', 'GPU seconds per study (default: the estimate for --instance)')
      .addOption(
        new Option('--model-size <size>', 'CPU tier: inference time of the demo models or of realistic ones')
          .choices(['demo', 'realistic'])
          .default('realistic'),
      )
      .option('--cpu-seconds <s>', 'CPU tier: seconds of inference per study (default: from --model-size)')
      .option(
        '--operating-months <m>',
        'months of operation at which storage that never expires is counted',
        '12',
      )
      .option(
        '--work-retention-days <d>',
        'days intermediate files are kept',
        String(STORAGE_DEFAULTS.workRetentionDays),
      )
      .option(
        '--originals-transition-days <d|never>',
        'days before originals move to Glacier Instant Retrieval',
        String(STORAGE_DEFAULTS.originalsTransitionDays),
      )
      .option(
        '--originals-expiry-days <d|never>',
        'days before originals are deleted',
        String(STORAGE_DEFAULTS.originalsExpiryDays),
      )
      .option('--table', 'a Markdown table of both tiers for 10, 100 and 1000 studies a day'),
    async () => (await import('./cost-command')).costCommand,
  );
}

function addBatchCommands(
  batch: Command,
  add: <T>(command: Command, load: () => Promise<CommandRun<T>>) => Command,
): void {
  const modes = () =>
    new Option(
      '--mode <mode>',
      'score: the whole pipeline; features: the fusion inputs; rescore: Fuse again',
    ).choices(RUN_MODES);
  add(
    batch
      .command('run')
      .description(
        'a batch over a folder of studies on the local stack, with a progress bar; Ctrl-C stops, the same command resumes',
      )
      .argument('<folder>', 'each sub-folder is one study (clinical.json + the image), named by its study id')
      .addOption(modes().default('score'))
      .option(
        '--model-version <v>',
        "a fusion model version in the local models bucket (default: --models' fusion model, else the demo's)",
      )
      .option(
        '--models <dir>',
        "a model folder published to the local models bucket first, as sap serve --models: model-card.json and its file at the top, unet/ and resnet/ optional (the demo's otherwise)",
      )
      .option('--workers <n>', 'studies in flight at once (default: cores − 1, at least 1)', wholeNumber(1))
      .option(
        '--batch-id <id>',
        'default: from the folder, mode and model version, so the same command resumes',
      )
      .option(
        '--out <dir>',
        'where features.csv, features.parquet and summary.json go (default ./sap-batch-{batchId})',
      )
      .option(
        '--data-dir <dir>',
        `the local stack's data, kept between runs (default ${DEFAULT_DATA_DIR}/data)`,
      ),
    async () => (await import('./batch-run-command')).batchRunCommand,
  );
  add(
    stateMachineOptions(
      batch
        .command('submit')
        .description('start a batch in AWS over the studies uploaded under a prefix or named in a list')
        .argument(
          '<source>',
          's3://bucket/incoming/[prefix] (every study uploaded there) or a CSV with a studyId column',
        )
        .addOption(modes())
        .option(
          '--model-version <v>',
          'fusion model version (models/xgboost/{v}/); default: the deployment’s',
        )
        .option(
          '--max-concurrency <n>',
          'studies in flight at once (default: twice the GPU endpoint’s concurrent invocations)',
          wholeNumber(1, MAX_CONCURRENCY),
        )
        .option(
          '--tolerated-failure-percent <p>',
          'share of failed studies (0–100) before the batch fails (default 10)',
        )
        .option('--batch-id <id>', 'default: batch-{date}-{random}; names the execution and batches/{id}/')
        .option('--bucket <name>', 'the studies bucket (the stack output StudiesBucket), for a CSV list'),
    ),
    async () => (await import('./batch-submit-command')).batchSubmitCommand,
  );
  add(
    waitOptions(
      stateMachineOptions(
        batch
          .command('status')
          .description("a batch's progress and, once it ended, its summary")
          .argument('<batchId>', 'the batch id sap batch submit printed'),
      ),
      'poll until the batch ends: exit 0 succeeded, 1 failed, timed out or aborted',
      2 * 24 * 3600,
    ),
    async () => (await import('./batch-status-command')).batchStatusCommand,
  );
}

/** The results API: the local stack's (unsigned) or a deployed stack's (signed); the two differ in signing. */
function apiOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', "the local stack's results API (sap serve prints it), unsigned")
    .addOption(
      new Option(
        '--api <url>',
        `a deployed stack's results API (its ResultsApiUrl output; default $${API_URL_ENV_NAME}), SigV4-signed with your AWS credentials`,
      ).conflicts('endpoint'),
    );
}

function waitOptions(command: Command, waits: string, defaultTimeoutSeconds: number): Command {
  return command
    .option('--wait', waits)
    .option(
      '--timeout <seconds>',
      'give up waiting after this long (exit 2)',
      positiveSeconds,
      defaultTimeoutSeconds,
    );
}

/** `--model-card FILE`, and `--model FILE`, its old name. */
function modelCardOptions(command: Command, what = 'the fusion model'): Command {
  return command
    .option('--model-card <file>', `${what}: its model-card.json, with the model file beside it`)
    .addOption(
      new Option('--model <file>', 'the old name of --model-card').hideHelp().conflicts('modelCard'),
    );
}

function stateMachineOptions(command: Command): Command {
  return command
    .option(
      '--state-machine <arn>',
      `the stack output BatchStateMachineArn (default $${BATCH_STATE_MACHINE_ENV})`,
    )
    .option('--region <region>', 'default: the state machine’s');
}
