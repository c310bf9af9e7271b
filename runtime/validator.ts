/**
 * Wraps the precompiled ajv functions from generated/<protocol>/validators.js as Standard Schema v1
 * validators (so zod/valibot-style tooling can use them) with a type guard and readable issues.
 */
import type { Issue } from './errors.js';

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

/** What ajv standalone emits: a function that returns a boolean and leaves its errors on itself. */
export interface CompiledValidate {
  (data: unknown): boolean;
  errors?: readonly AjvErrorLike[] | null;
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
  /** Type guard. */
  is(value: unknown): value is T;
  /** `undefined` when valid, else every problem found (with JSON paths). */
  check(value: unknown): Issue[] | undefined;
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

export function makeValidator<T>(name: string, validate: CompiledValidate): Validator<T> {
  const check = (value: unknown): Issue[] | undefined => (validate(value) ? undefined : toIssues(validate.errors));
  return {
    name,
    is: (value: unknown): value is T => validate(value),
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
