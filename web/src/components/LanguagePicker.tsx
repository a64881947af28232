import { useId } from 'react';
import { LANGUAGES, setLanguage, t, useLanguage, type Language } from '../i18n';

/** The page's language: the browser's by default, any of ours on demand. */
export function LanguagePicker() {
  const language = useLanguage();
  const id = useId();
  return (
    <p className="language-picker">
      <label htmlFor={id}>{t('lang.label')}</label>{' '}
      <select
        id={id}
        className="input input-small"
        value={language}
        onChange={(event) => void setLanguage(event.target.value as Language)}
      >
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </p>
  );
}
