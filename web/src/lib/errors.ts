import { ApiError } from '../api/client';

/** A sentence a guest can read, for any failure. Never raw JSON. */
export function humanMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === null) {
      return error.detail === 'timeout'
        ? 'The box took too long to answer. Try again in a moment.'
        : "Can't reach the box. Are you on the party Wi-Fi?";
    }
    if (error.status === 401) return 'The box does not know you any more. Join again to keep voting.';
    if (error.status === 429) return 'Easy there! Too many taps at once; try again in a few seconds.';
    if (error.status >= 500) return 'The box hit a snag. Try again in a moment.';
    if (looksLikeSentence(error.detail)) return error.detail;
    return 'That did not work. Try again.';
  }
  return 'Something went wrong. Try again.';
}

/** Details the box writes for people are sentences; anything else is not shown. */
function looksLikeSentence(text: string): boolean {
  return text.length > 0 && text.length <= 200 && !/[{}[\]<>]/.test(text);
}

/** Errors that mean the box is unreachable, not that it said no. */
export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && error.status === null;
}
