import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

const lockModule = fileURLToPath(new URL('./data-dir-lock.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  }
});

/** A process that just stays alive: it is not Perch and never took the lock. */
async function spawnSleeper(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child;
}

/** A Perch-style holder: a separate node process that takes the lock with the real code and stays alive. */
async function spawnHolder(dir: string): Promise<ChildProcess> {
  const script = path.join(dir, '..', `${path.basename(dir)}-holder.mjs`);
  fs.writeFileSync(
    script,
    `const { lockDataDir } = await import(${JSON.stringify(lockModule)});\n` +
      `lockDataDir(process.argv[2]);\nprocess.stdout.write('locked\\n');\nsetTimeout(() => {}, 60000);\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited (${code}): ${stderr}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'perch-lock-'));

describe('lockDataDir', () => {
  it('takes the lock, and releases it', () => {
    const dir = tempDir();
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'perch.pid'), 'utf8').split('\n')[0]).toBe(
      String(process.pid),
    );
    release();
    expect(fs.existsSync(path.join(dir, 'perch.pid'))).toBe(false);
  });

  it('refuses while a live Perch holds the folder, and takes over once it has died', async () => {
    const dir = tempDir();
    const holder = await spawnHolder(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(
      `Another Perch process (pid ${holder.pid}) is already using the data folder ${dir}.`,
    );
    await kill(holder);
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'perch.pid'), 'utf8').split('\n')[0]).toBe(
      String(process.pid),
    );
    release();
    expect(fs.existsSync(path.join(dir, 'perch.pid'))).toBe(false);
  });

  it.runIf(fs.existsSync(`/proc/${process.pid}/stat`))(
    'takes over a lock whose pid now belongs to an unrelated live process (pid reuse)',
    async () => {
      const dir = tempDir();
      const file = path.join(dir, 'perch.pid');
      const holder = await spawnHolder(dir);
      const written = fs.readFileSync(file, 'utf8');
      await kill(holder);
      // The holder died and its pid went to another process: same file, but the pid is now someone else's.
      const stranger = await spawnSleeper();
      fs.writeFileSync(file, written.replace(String(holder.pid), String(stranger.pid)));
      const release = lockDataDir(dir);
      expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(String(process.pid));
      release();
      expect(stranger.exitCode).toBe(null); // left alone
    },
  );

  it.runIf(fs.existsSync('/proc/1/stat'))(
    'takes over a lock naming pid 1 that pid 1 never wrote',
    () => {
      const dir = tempDir();
      const file = path.join(dir, 'perch.pid');
      const release = lockDataDir(dir);
      const mine = fs.readFileSync(file, 'utf8');
      release();
      fs.writeFileSync(file, mine.replace(String(process.pid), '1'));
      expect(() => lockDataDir(dir)()).not.toThrow();
    },
  );

  it('still reads an old lock file that holds only a pid', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'perch.pid');
    const alive = await spawnSleeper();
    fs.writeFileSync(file, String(alive.pid));
    expect(() => lockDataDir(dir)).toThrow(`Another Perch process (pid ${alive.pid})`);
    await kill(alive);
    const release = lockDataDir(dir);
    release();
    expect(fs.existsSync(file)).toBe(false);
  });
});
