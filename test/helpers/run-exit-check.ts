/** Runs a scenario of exit-check.ts in a child process; see there. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./exit-check.js', import.meta.url));

export interface ExitReport {
  /** 0 when the child exited by itself; null when it had to be killed. */
  code: number | null;
  /** Handles alive in the child after everything was closed (empty when clean). */
  alive: string[] | undefined;
  stderr: string;
}

export function runExitCheck(scenario: string, limitMs = 8000): Promise<ExitReport> {
  return new Promise((resolve) => {
    // The scenarios arm 60 s timers (backoff, call timeouts): a leaked one would hit `limitMs`.
    const child = execFile(process.execPath, [script, scenario], { timeout: limitMs }, (error, stdout, stderr) => {
      const last = stdout.trim().split('\n').at(-1);
      let alive: string[] | undefined;
      try {
        alive = last ? (JSON.parse(last) as { alive: string[] }).alive : undefined;
      } catch {
        alive = undefined;
      }
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, alive, stderr });
    });
    child.stdin?.end();
  });
}
