import { ProblemError } from '../../lib/http-problem.ts';

export const xDmProblems = {
  notConfigured: () =>
    new ProblemError(
      409,
      'x_dm.not_configured',
      'X direct messages are not set up',
      'This server has no X app yet: set X_CLIENT_ID (and X_CLIENT_SECRET for a confidential app) and restart Perch.',
    ),
  notConnected: () =>
    new ProblemError(
      409,
      'x_dm.not_connected',
      'X direct messages are not connected',
      'Connect X direct messages on the settings page first.',
    ),
  noXAccount: (name: string) =>
    new ProblemError(
      409,
      'x_dm.contact_without_x_id',
      'No X account known',
      `Perch does not know ${name}’s X account yet; give them an X handle and let Perch look it up first.`,
    ),
};
