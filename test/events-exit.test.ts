/** Every receiver's close() leaves no socket, server or timer: the child process exits by itself. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const script = fileURLToPath(new URL('./helpers/events-exit-check.js', import.meta.url));

function run(scenario: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, scenario], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('receivers close() leaves nothing running', () => {
  for (const scenario of ['sse', 'ws', 'webhook', 'poll']) {
    it(scenario, async () => {
      const { code, stdout, stderr } = await run(scenario);
      assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { alive: string[] };
      assert.deepEqual(report.alive, []);
    });
  }
});
