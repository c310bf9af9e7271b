/**
 * Action variants through `extends`, given → want with no disk: a child's `action-variants` replaces
 * the parent's list, and each inherited action keeps only the variants the child still declares
 * (OneBot 11 → go-cqhttp `_async` only, → OpenShamrock none); a variant nobody declares is an error.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { SchemaErrors } from '../generator/errors.js';
import { parseFile, type LoadedFolder } from '../generator/load.js';
import { resolveAll } from '../generator/resolve.js';

const META = fileURLToPath(new URL('../../schemas/qqwire.schema.json', import.meta.url));

function folder(id: string, text: string): LoadedFolder {
  return { id, dir: `schemas/${id}`, files: [parseFile(text, `schemas/${id}/protocol.yaml`, META)] };
}

const protocol = (id: string, variants: string, extra = '') => `protocol:
  name: ${id}
  title: ${id}
  version: "1"
${extra}  transport: { http: { path: '/{action}', body: params } }
  action-variants: ${variants}
`;

const PARENT = `${protocol('parent', '[{ name: async, suffix: _async, result: none }, { name: rate_limited, suffix: _rate_limited, result: none }]')}actions:
  get_status:
    summary: 状态
    variants: [async, rate_limited]
    result: { type: object, properties: { online: { type: boolean } }, required: [online] }
`;

function names(child: string): Record<string, { variant?: string; result: boolean }> {
  const ir = resolveAll([folder('parent', PARENT), folder('child', child)]);
  const p = ir.find((x) => x.id === 'child')!;
  return Object.fromEntries(p.actions.map((a) => [a.name, { ...(a.variantOf ? { variant: a.variantOf.variant } : {}), result: a.result !== null }]));
}

describe('inherited action variants follow the child\'s action-variants', () => {
  test('the parent keeps both suffixed forms, without a result', () => {
    const ir = resolveAll([folder('parent', PARENT)]);
    assert.deepEqual(ir[0]!.actions.map((a) => [a.name, a.result !== null]), [['get_status', true], ['get_status_async', false], ['get_status_rate_limited', false]]);
  });

  test('a child declaring async alone (result same) gets `_async` with the normal result and no `_rate_limited`', () => {
    assert.deepEqual(names(protocol('child', '[{ name: async, suffix: _async, result: same }]', '  extends: parent\n')), {
      get_status: { result: true },
      get_status_async: { variant: 'async', result: true },
    });
  });

  test('a child declaring no variants gets none', () => {
    assert.deepEqual(names(protocol('child', '[]', '  extends: parent\n')), { get_status: { result: true } });
  });

  test('a child that says nothing inherits the parent\'s list', () => {
    const child = protocol('child', 'X', '  extends: parent\n').replace('  action-variants: X\n', '');
    assert.deepEqual(Object.keys(names(child)), ['get_status', 'get_status_async', 'get_status_rate_limited']);
  });

  test('a variant no protocol of the chain declares is still an error, located', () => {
    const child = `${protocol('child', '[]', '  extends: parent\n')}actions:\n  own:\n    summary: x\n    variants: [asycn]\n    result: null\n`;
    assert.throws(() => names(child), (e: unknown) => {
      assert.ok(e instanceof SchemaErrors);
      assert.deepEqual(e.errors.map((x) => `${x.file}:${x.line}:${x.col} ${x.detail}`), ['schemas/child/protocol.yaml:11:16 no action variant "asycn" in protocol.action-variants']);
      return true;
    });
  });
});
