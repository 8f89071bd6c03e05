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
    usage: 'sap demo',
    does: 'run the whole pipeline locally on the bundled sample study',
    pendingIssue: 7,
  },
  {
    name: 'serve',
    usage: 'sap serve',
    does: 'run the local stack: S3 endpoint, results API, workers',
    pendingIssue: 7,
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
  { name: 'infer', usage: 'sap infer --image F', does: 'U-Net + ResNet50 locally', pendingIssue: 5 },
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
    usage: 'sap submit <study> [--endpoint URL]',
    does: 'upload a study and print its studyId',
    pendingIssue: 7,
  },
  { name: 'status', usage: 'sap status <studyId> [--wait]', does: 'poll the results API', pendingIssue: 7 },
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
