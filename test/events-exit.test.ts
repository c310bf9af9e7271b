/** Every receiver's close() leaves no socket, server or timer: the child process exits by itself. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExitCheck } from './helpers/run-exit-check.js';

describe('receivers close() leaves nothing running', () => {
  for (const scenario of ['sse', 'ws', 'webhook', 'poll']) {
    it(scenario, async () => {
      const { code, alive, stderr } = await runExitCheck(scenario, 15_000);
      assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
      assert.deepEqual(alive, []);
    });
  }
});
