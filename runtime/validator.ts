/**
 * Wraps the precompiled ajv functions from generated/<protocol>/validators.js as Standard Schema v1
 * validators (so zod/valibot-style tooling can use them) with a type guard and readable issues.
 */
import type { Issue } from './errors.js';
import type { Int64Mode } from './decode.js';
import { int64Ok } from './int64.js';

// Referenced by the precompiled validators' int64 keyword (see generator/emit-validators.ts).
export { int64Ok };

/** The Standard Schema v1 interface (https://standardschema.dev), declared here to avoid a dependency. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<StandardIssue>;
  }
  interface StandardIssue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  interface PathSegment {
    readonly key: PropertyKey;
  }
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
}

/**
 * What ajv standalone emits: a function that returns a boolean and leaves its errors on itself. It is
 * compiled with `passContext`, so `this` carries the options (`int64` mode) down to every keyword.
 */
export interface CompiledValidate {
  (this: CheckOptions | void, data: unknown): boolean;
  errors?: readonly AjvErrorLike[] | null;
}

export interface CheckOptions {
  /** The representation int64 fields must have: the client's `int64` mode. Default `number`. */
  readonly int64?: Int64Mode | undefined;
}

export interface AjvErrorLike {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface Validator<T> extends StandardSchemaV1<T, T> {
  /** The schema type name, e.g. `SendGroupMessageParams`. */
  readonly name: string;
  /** Type guard (int64 fields as `number`, the default mode). */
  is(value: unknown): value is T;
  /**
   * `undefined` when valid, else every problem found (with JSON paths). `int64` says which
   * representation int64 fields must have (default `number`). Never throws: a value too deep, cyclic
   * or with a throwing getter is an issue at the root.
   */
  check(value: unknown, options?: CheckOptions): Issue[] | undefined;
}

function describe(error: AjvErrorLike): Issue {
  const p = error.params;
  let message = error.message ?? error.keyword;
  if (error.keyword === 'discriminator' && p['error'] === 'mapping') {
    message = `unknown ${String(p['tag'])} ${JSON.stringify(p['tagValue'])}`;
  } else if (error.keyword === 'required') {
    message = `missing required property "${String(p['missingProperty'])}"`;
  } else if (error.keyword === 'additionalProperties') {
    message = `unexpected property "${String(p['additionalProperty'])}"`;
  } else if (error.keyword === 'enum' || error.keyword === 'const') {
    const allowed = (p['allowedValues'] as unknown[] | undefined) ?? [p['allowedValue']];
    message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { path: error.instancePath, message };
}

export function toIssues(errors: readonly AjvErrorLike[] | null | undefined): Issue[] {
  return (errors ?? []).map(describe);
}

function pointerToPath(pointer: string): PropertyKey[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

const NUMBER_MODE: CheckOptions = { int64: 'number' };

/** Runs a compiled validator; anything it throws (stack overflow on deep or cyclic values, a getter) is an issue. */
function run(validate: CompiledValidate, value: unknown, options: CheckOptions): Issue[] | undefined {
  try {
    return validate.call(options, value) ? undefined : toIssues(validate.errors);
  } catch (error) {
    const why = error instanceof RangeError ? 'value is nested too deep (or cyclic) to validate' : `value cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    return [{ path: '', message: why }];
  }
}

export function makeValidator<T>(name: string, validate: CompiledValidate): Validator<T> {
  const check = (value: unknown, options: CheckOptions = NUMBER_MODE): Issue[] | undefined => run(validate, value, options);
  return {
    name,
    is: (value: unknown): value is T => run(validate, value, NUMBER_MODE) === undefined,
    check,
    '~standard': {
      version: 1,
      vendor: 'qqwire',
      validate(value: unknown): StandardSchemaV1.Result<T> {
        const issues = check(value);
        if (!issues) return { value: value as T };
        return { issues: issues.map((i) => ({ message: i.message, path: pointerToPath(i.path) })) };
      },
    },
  };
}
