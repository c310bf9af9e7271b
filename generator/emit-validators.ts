/**
 * Emitter: validators.js (ajv standalone, precompiled, real ESM) and validators.d.ts.
 * ajv runs here, at generate time, in strict mode; the output needs no ajv compile and no eval.
 */
import { Ajv, _, str } from 'ajv';
import { _Code } from 'ajv/dist/compile/codegen/code.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import type { Facts } from './analyze.js';
import type { IRProtocol } from './ir.js';
import { validatorSchemas } from './json-schema.js';
import type { Artifact, EmitContext, Emitter } from './emit.js';

/** ajv still emits `require()` for its runtime helpers even with `code.esm`; turn them into imports. */
export function rewriteRequires(code: string): string {
  const imports: string[] = [];
  const body = code.replace(
    /const (\w+) = require\("([^"]+)"\)(\.\w+)?;/g,
    (_m, name: string, spec: string, member: string | undefined) => {
      const file = spec.endsWith('.js') ? spec : `${spec}.js`;
      imports.push(`import ${name}_module from ${JSON.stringify(file)};`);
      return `const ${name} = ${name}_module${member ?? ''};`;
    },
  );
  if (/\brequire\(/.test(body)) throw new Error('ajv standalone output still contains require() after rewriting');
  return `${imports.join('\n')}${imports.length ? '\n' : ''}${body.replace(/^"use strict";\n?/, '')}`;
}

export function compileValidators(p: IRProtocol, facts: Facts): { code: string; exports: string[] } {
  const id = `https://qqwire.dev/schemas/${p.id}/validators.json`;
  const { root, exports } = validatorSchemas(p, facts, id);
  // The draft-07 class: our generated schemas need no 2020-only keyword, and Ajv2020 forces
  // `unevaluated` bookkeeping into every validator function.
  const ajv = new Ajv({
    strict: true,
    allowUnionTypes: true,
    discriminator: true,
    // Refs left in the schema are the recursive edges (json-schema.ts inlined the rest): keep them functions.
    inlineRefs: false,
    // A tuple without `minItems` is valid JSON Schema (missing positions are allowed); do not demand one.
    strictTuples: false,
    allErrors: false,
    code: { source: true, esm: true, lines: true, optimize: true },
    // `this` carries the caller's options (the int64 mode) into every nested validate function.
    passContext: true,
  });
  // int64: one representation per client mode, within [min, max]; checked by the runtime's `int64Ok`
  // (imported into validators.js), which reads the mode from `this`.
  ajv.addKeyword({
    keyword: 'qqwireInt64',
    schemaType: 'object',
    error: {
      message: (cxt) => {
        const b = cxt.schema as { min: string; max: string };
        return str`must be an integer from ${b.min} to ${b.max} (int64, in the client's int64 representation)`;
      },
    },
    code(cxt) {
      const { min, max } = cxt.schema as { min: string; max: string };
      if (!/^-?\d+$/.test(min) || !/^-?\d+$/.test(max)) throw new Error(`qqwireInt64: bounds must be integers (${min}, ${max})`);
      cxt.fail(_`!int64Ok(${cxt.data}, this, ${new _Code(`${min}n`)}, ${new _Code(`${max}n`)})`);
    },
  });
  ajv.addKeyword({
    keyword: 'qqwireBinary',
    schemaType: 'boolean',
    error: { message: 'must be binary data (a Uint8Array or a Blob)' },
    code(cxt) {
      const d = cxt.data;
      // A Blob, or anything Blob-shaped (the types accept a structural BlobLike).
      cxt.fail(
        _`!(${d} instanceof Uint8Array || (${d} !== null && typeof ${d} == "object" && typeof ${d}.arrayBuffer == "function" && typeof ${d}.size == "number"))`,
      );
    },
  });
  const map: Record<string, string> = {};
  for (const name of exports) map[`raw${name}`] = `${id}#/$defs/${name}`;
  let standalone: string;
  try {
    ajv.addSchema(root);
    standalone = standaloneModule.default(ajv, map);
  } catch (error) {
    // The loader's checks should make this unreachable; if not, say which protocol broke ajv.
    throw new Error(`${p.id}: ajv rejected the generated validator schema: ${(error as Error).message}`, { cause: error });
  }
  const code = rewriteRequires(standalone).replace(/^export const raw/gm, 'const raw');
  return { code, exports };
}

function emitValidators(p: IRProtocol, facts: Facts, ctx: EmitContext): Artifact[] {
  const { code, exports } = compileValidators(p, facts);
  const js = [
    ctx.header,
    '/* eslint-disable */',
    `import { makeValidator, int64Ok } from 'qqwire/runtime/internal';`,
    code.trim(),
    '',
    ...exports.map((n) => `export const ${n} = /* @__PURE__ */ makeValidator(${JSON.stringify(n)}, raw${n});`),
    '',
  ].join('\n');
  const dts = [
    ctx.header,
    `import type { Validator } from 'qqwire/runtime/internal';`,
    `import type * as T from './types.js';`,
    '',
    '/** The int64 representation is checked per call: `check(value, { int64 })` (default `number`). */',
    'type AnyInt64 = number | bigint | string;',
    '',
    ...exports.map((n) => `export declare const ${n}: Validator<T.${n}${ctx.i64Names.has(n) ? '<AnyInt64>' : ''}>;`),
    '',
  ].join('\n');
  return [
    { path: 'validators.js', content: js },
    { path: 'validators.d.ts', content: dts },
  ];
}

export const validatorsEmitter: Emitter = { name: 'validators', emit: ({ protocol, facts, ctx }) => emitValidators(protocol, facts, ctx) };
