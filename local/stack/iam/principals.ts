/**
 * Who makes an AWS call in the local stack, named as the template names it: a function (its execution
 * role), a state machine (its role), the inference endpoint (the SageMaker model's execution role, which
 * both SageMaker and the container use), or a service principal invoking a function through its resource
 * policy (EventBridge, SNS, API Gateway).
 */
export type Principal =
  | { kind: 'function'; handler: string }
  | { kind: 'state-machine'; machine: 'study' | 'batch' }
  | { kind: 'inference-endpoint' }
  | { kind: 'service'; service: 'events.amazonaws.com' }
  | { kind: 'service'; service: 'sns.amazonaws.com'; topicArn: string }
  | { kind: 'service'; service: 'apigateway.amazonaws.com'; method: string; path: string };

export const STUDY_STATE_MACHINE: Principal = { kind: 'state-machine', machine: 'study' };
export const BATCH_STATE_MACHINE: Principal = { kind: 'state-machine', machine: 'batch' };
export const INFERENCE_ENDPOINT: Principal = { kind: 'inference-endpoint' };
export const EVENTBRIDGE: Principal = { kind: 'service', service: 'events.amazonaws.com' };

export const functionPrincipal = (handler: string): Principal => ({ kind: 'function', handler });
export const snsDelivery = (topicArn: string): Principal => ({
  kind: 'service',
  service: 'sns.amazonaws.com',
  topicArn,
});
export const apiGatewayRequest = (method: string, path: string): Principal => ({
  kind: 'service',
  service: 'apigateway.amazonaws.com',
  method,
  path,
});

/** A principal in words, for failure messages: `function lambdas/start-study/handler.ts`. */
export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'function':
      return `function ${principal.handler}`;
    case 'state-machine':
      return `${principal.machine} state machine`;
    case 'inference-endpoint':
      return 'inference endpoint (SageMaker and its container)';
    case 'service':
      return principal.service;
  }
}
