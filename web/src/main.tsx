import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startLanguage } from './i18n';
import { syncClock } from './lib/clock';
import './styles.css';

// The guest's language first (English is built in; another is one small
// download), then the page.
void startLanguage().then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);

// Positions are counted by the box's clock: learn how far this one is.
void syncClock();

// Home-screen use: cache the app shell. Browsers allow service workers on
// HTTPS and on localhost only; over plain HTTP on the LAN this is skipped.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
