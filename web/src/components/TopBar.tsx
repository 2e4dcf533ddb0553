/**
 * The bar over every page: where you are, who you are (roles and clearance: what you may see),
 * how many warnings await your acknowledgment, whether the screen is live, the theme, and
 * signing out.
 */
import { useEffect, useState } from 'react';
import { useLiveStatus } from '../api/live.js';
import { utcTime } from '../lib/format.js';
import { useInboxCount } from '../pages/warnings/inbox-count.js';
import { Link, useLocation } from '../router.js';
import { useSession, useUser } from '../session.js';
import { useTheme } from '../theme.js';

export function TopBar() {
  const user = useUser();
  const { signOut } = useSession();
  const [theme, toggleTheme] = useTheme();
  const { state, lastEventAt } = useLiveStatus();
  const clock = useClock();
  const { count } = useInboxCount();
  const { path } = useLocation();
  const onFloor = path === '/' || path === '/problems' || path === '/signin';

  return (
    <header className="topbar">
      <Link to="/" className="brand">
        <span aria-hidden="true" className="brand-mark">
          ◢
        </span>{' '}
        Vigil
      </Link>
      <nav aria-label="Main" className="main-nav">
        <Link to="/" aria-current={onFloor ? 'page' : undefined}>
          Watch floor
        </Link>
        <Link to="/warnings" aria-current={path === '/warnings' ? 'page' : undefined} className="nav-inbox">
          Warnings inbox
          {count !== undefined && count > 0 && (
            <span className="badge" data-testid="inbox-badge">
              {count}
              <span className="visually-hidden"> awaiting your acknowledgment</span>
            </span>
          )}
        </Link>
        <Link to="/calibration" aria-current={path === '/calibration' ? 'page' : undefined}>
          Calibration
        </Link>
      </nav>
      <div className="topbar-spacer" />
      <span className={`live live-${state}`} role="status" aria-live="polite">
        <span className="live-dot" aria-hidden="true" />
        {state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting — screen may be stale'}
        {state === 'live' && lastEventAt !== undefined && <span className="muted"> · last update {utcTime(lastEventAt)}</span>}
      </span>
      <span className="clock" title="Coordinated Universal Time">
        {utcTime(clock)}
      </span>
      <span className="who">
        <span className="who-name">{user.name}</span>
        <span className="muted">
          {' '}
          · {user.roles.join(', ')} · cleared {user.clearance}
          {user.compartments.length > 0 ? ` + ${user.compartments.join(', ')}` : ''}
        </span>
      </span>
      <button type="button" className="button-quiet" onClick={toggleTheme}>
        {theme === 'dark' ? 'Light theme' : 'Dark theme'}
      </button>
      <button type="button" className="button-quiet" onClick={() => void signOut()}>
        Sign out
      </button>
    </header>
  );
}

/** The current instant, ticking every second. */
function useClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
