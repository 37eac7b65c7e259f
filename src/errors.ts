/** Base class of the errors @catalyst/tracing can throw at a caller who asked for it. */
export class CatalystError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** setup() was given options it cannot use (the preload never throws this: it reports and runs on). */
export class CatalystConfigError extends CatalystError {
  constructor(
    message: string,
    /** Every problem found, one sentence each naming the option or variable. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}

/** An integration given to setup({ modules }) or instrumentX() could not be patched. */
export class CatalystInstrumentationError extends CatalystError {
  constructor(
    message: string,
    readonly integration: string,
  ) {
    super(message);
  }
}
