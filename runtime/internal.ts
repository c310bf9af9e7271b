/**
 * `qqwire/runtime/internal`: what generated code needs (the client core, validator wrapping) and the
 * building blocks behind it. Not a stable API for applications; use `qqwire/runtime`.
 */
export * from './index.js';
export { createClientCore } from './client.js';
export { makeValidator, toIssues, int64Ok, type CompiledValidate, type AjvErrorLike } from './validator.js';
export { applyPlan, findBigint, prunePlan, pruneDefs, Int64Overflow, UNKNOWN_TAG, type Plan, type PlanDefs } from './decode.js';
export { redact, redactDeep, redactError, secretForms } from './errors.js';
export type { AuthInfo, EnvelopeInfo, CodeInfo } from './transport.js';
