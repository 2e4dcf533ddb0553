/**
 * The application shell: the session decides between the sign-in page and the watch floor;
 * signed in, the live feed opens, the top bar shows who and how fresh (and how many warnings
 * await me), and the path picks the page.
 */
import { useEffect } from 'react';
import { LiveProvider } from './api/live.js';
import { TopBar } from './components/TopBar.js';
import { CalibrationPage } from './pages/calibration/CalibrationPage.js';
import { InquiryPage } from './pages/inquiry/InquiryPage.js';
import { ModelEditorPage } from './pages/model/ModelEditorPage.js';
import { ProblemPage } from './pages/problem/ProblemPage.js';
import { ReportEntryPage } from './pages/report/ReportEntryPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { InboxCountProvider } from './pages/warnings/inbox-count.js';
import { WarningsPage } from './pages/warnings/WarningsPage.js';
import { WatchFloorPage } from './pages/WatchFloorPage.js';
import { Link, match, navigate, useLocation, type Location } from './router.js';
import { SessionProvider, useSession } from './session.js';

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}

function Gate() {
  const { session } = useSession();
  const location = useLocation();

  useEffect(() => {
    if (session.status === 'signed-in' && location.path === '/signin') navigate('/', { replace: true });
  }, [session.status, location.path]);

  if (session.status === 'loading') {
    return (
      <main className="boot" id="main">
        <p role="status">Connecting to Vigil…</p>
      </main>
    );
  }
  if (session.status === 'signed-out') return <SignInPage {...(session.reason !== undefined ? { reason: session.reason } : {})} />;
  return (
    <LiveProvider>
      <InboxCountProvider>
        <a className="skip-link" href="#main">
          Skip to main content
        </a>
        <TopBar />
        <Page location={location} />
      </InboxCountProvider>
    </LiveProvider>
  );
}

/** The page for a path; `key` makes a new problem a fresh page. */
function Page({ location }: { location: Location }) {
  const { path, query } = location;
  if (path === '/' || path === '/signin' || path === '/problems') return <WatchFloorPage />;
  if (path === '/warnings') return <WarningsPage />;
  if (path === '/calibration') return <CalibrationPage />;
  const inquiry = match('/problems/:id/inquiry', path);
  if (inquiry !== undefined) return <InquiryPage key={inquiry.id} problemId={inquiry.id!} from={query.get('from') ?? undefined} to={query.get('to') ?? undefined} />;
  if (match('/problems/new', path) !== undefined) return <ModelEditorPage key="new" problemId={undefined} />;
  const report = match('/problems/:id/report', path);
  if (report !== undefined) return <ReportEntryPage key={report.id} problemId={report.id!} />;
  const model = match('/problems/:id/model', path);
  if (model !== undefined) return <ModelEditorPage key={model.id} problemId={model.id!} />;
  const problem = match('/problems/:id', path);
  if (problem !== undefined) return <ProblemPage key={problem.id} problemId={problem.id!} at={query.get('at') ?? undefined} />;
  return (
    <main id="main" className="page">
      <h1>Nothing here</h1>
      <p>
        There is no page at this address. <Link to="/">Back to the watch floor</Link>.
      </p>
    </main>
  );
}
