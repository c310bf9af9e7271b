import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methodNames, pascal, propKey } from '../generator/naming.js';

test('method names never collide, however many wire names share a camelCase form', () => {
  const names = methodNames([{ name: 'get_msg' }, { name: 'get.msg' }, { name: 'getMsg' }, { name: 'close' }, { name: 'delete' }]);
  assert.deepEqual([...names.values()], ['getMsg', 'getMsgAction', 'getMsgAction2', 'closeAction', 'deleteAction']);
  assert.equal(new Set(names.values()).size, names.size);
});

test('pascal and property keys', () => {
  assert.equal(pascal('.handle_quick_operation'), 'HandleQuickOperation');
  assert.equal(pascal('send_c2c_message'), 'SendC2cMessage');
  assert.equal(propKey('qq.discuss_id'), '"qq.discuss_id"');
  assert.equal(propKey('user_id'), 'user_id');
});
