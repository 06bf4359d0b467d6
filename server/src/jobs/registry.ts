/**
 * The one list of Perch's jobs: every queue, its schedule and its worker are registered here.
 */
import type { Logger } from '../lib/logger.ts';
import type { XConnectionService } from '../modules/x-connection/x-connection.service.ts';
import { registerXConnectionJobs } from '../modules/x-connection/x-connection.jobs.ts';
import type { Boss } from './boss.ts';

export interface JobDeps {
  boss: Boss;
  logger: Logger;
  xConnection: XConnectionService;
}

export async function registerJobs(deps: JobDeps): Promise<void> {
  await registerXConnectionJobs(deps);
}
