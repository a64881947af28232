import { OfflineBanner } from './components/OfflineBanner';
import { Toasts } from './components/Toasts';
import { useLanguage } from './i18n';
import { useRoute } from './lib/router';
import { RoomPage } from './pages/RoomPage';
import { StartPage } from './pages/StartPage';
import { TvPage } from './pages/TvPage';
import { WrappedPage } from './pages/WrappedPage';

export function App() {
  const route = useRoute();
  // A language switch renders the whole page again, in the new words.
  useLanguage();
  return (
    <>
      <OfflineBanner />
      {route.page === 'start' && <StartPage />}
      {route.page === 'room' && <RoomPage key={route.code} code={route.code} />}
      {route.page === 'tv' && <TvPage key={route.code} code={route.code} />}
      {route.page === 'wrapped' && <WrappedPage key={route.code} code={route.code} />}
      <Toasts />
    </>
  );
}
