/** A schema problem, located in its file: `schemas/milky/message.yaml:12:7 /actions/x/params: …`. */
export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col} ${path || '/'}: ${detail}`);
    this.name = 'SchemaError';
  }
}

/** Several problems at once, so one run shows them all. */
export class SchemaErrors extends Error {
  constructor(readonly errors: SchemaError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'SchemaErrors';
  }
}
