import { ProblemError } from '../../lib/http-problem.ts';

export const xMediaProblems = {
  unsupportedType: (sentence: string) =>
    new ProblemError(415, 'media.unsupported_type', 'X does not take this type of file', sentence),
  tooLarge: (sentence: string) =>
    new ProblemError(413, 'media.too_large', 'The file is too large for X', sentence),
  wrongContents: (sentence: string) =>
    new ProblemError(400, 'media.wrong_contents', 'The file is not what its type says', sentence),
  empty: () =>
    new ProblemError(400, 'media.empty', 'The file is empty', 'The upload had no bytes in it.'),
};
