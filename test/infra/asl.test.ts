import aslValidator from 'asl-validator';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../support/state-machine-definitions';
import { stateMachineDefinitions } from '../support/state-machine-definitions';
import { sharedSynth } from '../support/synth';

/**
 * Every state machine the stack deploys is valid Amazon States Language, checked offline with
 * asl-validator (JSON schemas, JSONPath syntax, Resource ARNs, transitions, terminal states), so a broken
 * definition fails here instead of at CreateStateMachine / UpdateStateMachine during a deploy.
 * ASL: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
type States = Record<string, { Type: string; Next?: string; End?: boolean; ItemProcessor?: Processor }>;
interface Processor {
  ProcessorConfig?: { Mode?: string };
  StartAt: string;
  States: States;
}

let machines: StateMachineDefinition[];

beforeAll(() => {
  const { stacks } = sharedSynth();
  const stack = stacks[0]!;
  machines = stateMachineDefinitions(Template.fromStack(stack).toJSON(), stack.region);
});

const states = (machine: StateMachineDefinition) => machine.definition.States as States;
const distributedMaps = (machine: StateMachineDefinition) =>
  Object.values(states(machine)).filter((s) => s.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED');
const isBatch = (machine: StateMachineDefinition) => distributedMaps(machine).length > 0;
const byName = (name: 'study' | 'batch') => machines.find((m) => isBatch(m) === (name === 'batch'))!;
const problems = (definition: unknown) => aslValidator(definition).errorsText('\n');

describe('state machine definitions (asl-validator)', () => {
  it('finds both machines: the study workflow and the batch with its Distributed Maps', () => {
    expect(machines).toHaveLength(2);
    expect(distributedMaps(byName('batch')).length).toBeGreaterThan(0);
    expect(Object.keys(states(byName('study')))).toContain('StudyCompleted');
  });

  it.each(['study', 'batch'] as const)('the %s machine is valid ASL, ARNs and paths checked', (name) => {
    const result = aslValidator(byName(name).definition, { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('refuses a Next that names no state, at the top level and inside a Distributed Map', () => {
    const study = structuredClone(byName('study').definition);
    const [, withNext] = Object.entries(study.States as States).find(([, s]) => s.Next)!;
    withNext.Next = 'NoSuchState';
    expect(problems(study)).toMatch(/MISSING_TRANSITION_TARGET: Missing .* target: NoSuchState/);

    // Inside a Distributed Map's processor too. asl-validator 4.0.0 checks outbound transitions only for the
    // legacy Iterator, not ItemProcessor: a processor state sent to an outer state shows as the processor
    // missing its terminal state.
    const processor = () => {
      const batch = structuredClone(byName('batch').definition);
      const map = Object.values(batch.States as States).find((s) => s.ItemProcessor)!;
      return { batch, map, processorStates: Object.values(map.ItemProcessor!.States) };
    };
    const broken = processor();
    broken.processorStates.find((s) => s.Next)!.Next = 'NoSuchItemState';
    expect(problems(broken.batch)).toMatch(/MISSING_TRANSITION_TARGET: Missing .* target: NoSuchItemState/);
    const outbound = processor();
    const terminal = outbound.processorStates.find((s) => s.End)!;
    delete terminal.End;
    terminal.Next = outbound.map.Next!;
    expect(problems(outbound.batch)).toMatch(/MISSING_TERMINAL_STATE/);
  });

  it('refuses a Task whose Resource is not an ARN (an unresolved reference, say)', () => {
    const study = structuredClone(byName('study').definition);
    const task = Object.values(study.States as Record<string, { Type: string; Resource?: string }>).find(
      (s) => s.Type === 'Task' && s.Resource,
    )!;
    task.Resource = 'WorkflowValidateFunction';
    expect(problems(study)).toMatch(/SCHEMA_VALIDATION_FAILED/);
  });
});
