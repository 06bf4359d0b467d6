/**
 * One process per PGlite data folder: two processes opening the same folder silently lose rows
 * (measured: 72 of 400 lost), so a second Perch must be refused before it opens the database.
 */
import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>/perch.pid`; a lock left by a process that has died is taken over. Returns the release function. */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'perch.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(
          `Another Perch process (pid ${holder}) is already using the data folder ${dir}. ` +
            'Stop it first, or give this one its own PERCH_DATA_DIR (or a DATABASE_URL).',
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new DataDirLockedError(`Could not lock the data folder ${dir}.`);
}
