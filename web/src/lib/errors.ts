import { ApiError } from '../api/client';
import { currentLanguage, refusal, t } from '../i18n';

/** A sentence a guest can read, for any failure, in their language. Never
 * raw JSON. The box's refusals are shown by their code; in English, the
 * box's own sentence (it names the song, the wait...) when it has one. */
export function humanMessage(error: unknown, english = currentLanguage() === 'en'): string {
  if (error instanceof ApiError) {
    if (error.status === null) return t(error.detail === 'timeout' ? 'error.timeout' : 'error.offline');
    if (error.status >= 500) return t('error.snag');
    if (english && looksLikeSentence(error.detail) && error.status !== 401 && error.status !== 429) {
      return error.detail;
    }
    const known = error.code ? refusal(error.code, error.params) : null;
    if (known) return known;
    if (error.status === 401) return t('error.invalid_identity');
    if (error.status === 429) return t('error.too_many_requests', { seconds: 5 });
    if (english && looksLikeSentence(error.detail)) return error.detail;
    return t('error.generic');
  }
  return t('error.unexpected');
}

/** Details the box writes for people are sentences; anything else is not shown. */
function looksLikeSentence(text: string): boolean {
  return text.length > 0 && text.length <= 200 && !/[{}[\]<>]/.test(text);
}

/** Errors that mean the box is unreachable, not that it said no. */
export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && error.status === null;
}
