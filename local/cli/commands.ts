import type { CommandContext } from './io';

/** The `sap` subcommands (ARCHITECTURE.md, "Command line"), with the issue that builds each one. */
export interface CommandInfo {
  name: string;
  usage: string;
  does: string;
  /** Runs it with the arguments after its name; returns the exit code. Absent while it is not built. */
  run?: (args: string[], ctx: CommandContext) => Promise<number>;
  /** The issue that delivers it, while it is not built. */
  pendingIssue?: number;
}

export const COMMANDS: readonly CommandInfo[] = [
  {
    name: 'demo',
    usage: 'sap demo [--out DIR]',
    does: 'run the whole pipeline locally on the bundled sample study',
    run: async (args, ctx) => (await import('./demo-command')).demoCommand(args, ctx),
  },
  {
    name: 'serve',
    usage: 'sap serve [--port-s3 N] [--port-api N] [--data DIR]',
    does: 'run the local stack: S3 endpoint, results API, workers',
    run: async (args, ctx) => (await import('./serve-command')).serveCommand(args, ctx),
  },
  {
    name: 'validate',
    usage: 'sap validate <study>',
    does: 'check a study folder (manifest, clinical.json, image) as the pipeline does',
    run: async (args, ctx) => (await import('./validate-command')).validateCommand(args, ctx),
  },
  {
    name: 'radiomics',
    usage: 'sap radiomics --image F --mask F [--profile P | --settings F]',
    does: 'IBSI radiomics features of one region',
    run: async (args, ctx) => (await import('./radiomics-command')).radiomicsCommand(args, ctx),
  },
  {
    name: 'ibsi-compliance',
    usage: 'sap ibsi-compliance [--ibsi-dir D]',
    does: 'IBSI-1 CT phantom, configurations A–E: pass/fail per reference value',
    run: async (args, ctx) => (await import('./compliance-command')).complianceCommand(args, ctx),
  },
  {
    name: 'infer',
    usage: 'sap infer --image F [--models DIR] [--out mask.nii.gz] [--threads N]',
    does: 'U-Net + ResNet50 locally: writes the pancreas mask, prints the inference result',
    run: async (args, ctx) => (await import('./infer-command')).inferCommand(args, ctx),
  },
  {
    name: 'scores',
    usage: 'sap scores <clinical.json>',
    does: 'BISAP, Ranson, MCTSI, SIRS, ... with which inputs were missing',
    run: async (args, ctx) => (await import('./scores-command')).scoresCommand(args, ctx),
  },
  {
    name: 'predict',
    usage: 'sap predict --model model-card.json --features F.json|F.csv',
    does: 'XGBoost probability + SHAP for feature vectors given by name',
    run: async (args, ctx) => (await import('./predict-command')).predictCommand(args, ctx),
  },
  {
    name: 'features',
    usage: 'sap features <study | folder> --model card (--mask F | --masks DIR --out T.csv)',
    does: 'the feature vector the pipeline would fuse',
    run: async (args, ctx) => (await import('./features-command')).featuresCommand(args, ctx),
  },
  {
    name: 'submit',
    usage: 'sap submit <study> [--endpoint URL | --api URL] [--study-id ID]',
    does: 'upload a study (to the local stack or AWS) and print its studyId',
    run: async (args, ctx) => (await import('./submit-command')).submitCommand(args, ctx),
  },
  {
    name: 'status',
    usage: 'sap status <studyId> [--wait] [--timeout S] [--endpoint URL | --api URL]',
    does: 'read a study from the results API; --wait polls with progress until it ends',
    run: async (args, ctx) => (await import('./status-command')).statusCommand(args, ctx),
  },
  {
    name: 'rescore',
    usage: 'sap rescore <studyId> --model-version V [--wait] [--endpoint URL | --api URL]',
    does: 'score a completed study again with another fusion model version, without a new upload',
    run: async (args, ctx) => (await import('./rescore-command')).rescoreCommand(args, ctx),
  },
  {
    name: 'batch',
    usage:
      'sap batch run <folder> | submit <s3://bucket/incoming/ | list.csv> | status <batchId> [--mode M] [--model-version V]',
    does: 'many studies through the same pipeline (features, score or rescore): locally (run) or in AWS (submit, status); training table + summary',
    run: async (args, ctx) => (await import('./batch-command')).batchCommand(args, ctx),
  },
  {
    name: 'evaluate',
    usage: 'sap evaluate <cohort.csv> [--model card] [--outcome COL] [--out DIR]',
    does: 'AUC with DeLong CIs, calibration and decision curves against the classic scores',
    run: async (args, ctx) => (await import('./evaluate-command')).evaluateCommand(args, ctx),
  },
  {
    name: 'cost',
    usage: 'sap cost [--studies-per-day N] [--region R] [--instance T] [--always-on] [--table]',
    does: 'monthly and per-study cost of a region, scale-to-zero against always-on',
    run: async (args, ctx) => (await import('./cost-command')).costCommand(args, ctx),
  },
];
