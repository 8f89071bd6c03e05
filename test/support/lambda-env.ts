// Set before every test file (vitest setupFiles): what a Lambda's environment gives the handlers, with
// fake credentials so that SDK clients can sign requests that aws-sdk-client-mock intercepts.
Object.assign(process.env, {
  STUDIES_TABLE: 'studies-test',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
