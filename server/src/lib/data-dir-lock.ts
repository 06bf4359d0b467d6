/**
 * One process per PGlite data folder: two processes opening the same folder silently lose rows
 * (measured: 72 of 400 lost), so a second Perch must be refused before it opens the database.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {}

/**
 * What `perch.pid` records. Line 1 is the bare pid (an older Perch reading the file still sees its
 * holder); line 2 is JSON with the holder's start time and boot id, so a pid that has since gone to an
 * unrelated process (a container restart, pid 1) is recognised as not the holder; and a random token,
 * so release only removes a lock it wrote. Old lock files are line 1 alone.
 */
interface LockRecord {
  pid: number;
  start?: string;
  boot?: string;
  token?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined where there is no /proc. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 is "(comm)" and comm may hold spaces or ')': count fields from after the last ')'.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]; // fields 3.. → field 22 is index 19
    return start && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function parseRecord(text: string): LockRecord | undefined {
  const [first = '', second] = text.split('\n');
  const pid = Number.parseInt(first, 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const extra = second ? (JSON.parse(second) as Record<string, unknown>) : {};
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { pid, start: str(extra.start), boot: str(extra.boot), token: str(extra.token) };
  } catch {
    return { pid }; // unreadable second line: judge by the pid alone
  }
}

/** Is the process named by the lock still the one that wrote it? */
function isHeld(record: LockRecord): boolean {
  if (record.pid === process.pid || !isAlive(record.pid)) return false;
  if (record.start === undefined) return true; // old format, or written where there is no /proc
  const boot = bootId();
  if (record.boot !== undefined && boot !== undefined && record.boot !== boot) return false; // rebooted since
  const start = startTimeOf(record.pid);
  if (start === undefined) return true; // cannot look (e.g. /proc hidepid): trust the pid
  return start === record.start;
}

/**
 * Takes `<dir>/perch.pid`; a lock whose process has died, or whose pid now belongs to a process that
 * started later than the one that wrote it, is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'perch.pid');
  const start = startTimeOf(process.pid);
  const extra = { ...(start && { start, boot: bootId() }), token: randomBytes(16).toString('hex') };
  const content = `${process.pid}\n${JSON.stringify(extra)}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === content) fs.unlinkSync(file);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = parseRecord(fs.readFileSync(file, 'utf8'));
      if (holder && isHeld(holder)) {
        throw new DataDirLockedError(
          `Another Perch process (pid ${holder.pid}) is already using the data folder ${dir}. ` +
            'Stop it first, or give this one its own PERCH_DATA_DIR (or a DATABASE_URL).',
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new DataDirLockedError(`Could not lock the data folder ${dir}.`);
}
