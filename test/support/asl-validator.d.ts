/** The part of asl-validator 4 (no bundled types) the ASL test uses; see its README, "In your code". */
declare module 'asl-validator' {
  interface StateMachineError {
    'Error code': string;
    Message: string;
  }
  interface ValidationOptions {
    checkPaths: boolean;
    checkArn: boolean;
  }
  function aslValidator(
    definition: unknown,
    options?: ValidationOptions,
  ): { isValid: boolean; errors: StateMachineError[]; errorsText(separator?: string): string };
  export default aslValidator;
}
