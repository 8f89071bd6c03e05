/**
 * The tests of the whole app as deployed (test/support/synth.ts, fullApp: cdk.json's context, two
 * regions, the functions bundled): one file, so that they share one synthesis in one process. Each part
 * is its own module.
 */
import './full-app/regions';
import './full-app/nag';
import './full-app/cfn-lint';
