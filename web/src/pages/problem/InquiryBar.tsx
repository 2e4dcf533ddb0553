/**
 * Inquiry mode's controls: a time slider over the problem's history and a date picker (UTC),
 * both asking for the page as of that instant (`?at=` in the address, so an inquiry can be
 * shared), and the way back to live.
 */
import { useEffect, useRef, useState } from 'react';
import { seg } from '../../api/client.js';
import { fromInputValue, toInputValue, utc } from '../../lib/format.js';
import { navigate } from '../../router.js';

interface Props {
  readonly problemId: string;
  /** The inquiry instant (ms), or undefined when live. */
  readonly at: number | undefined;
  /** The first instant worth showing (the first evaluation). */
  readonly min: number;
  /** Now. */
  readonly max: number;
}

/** How long the slider rests before the page is asked for its instant (ms). */
const SETTLE_MS = 350;

export function InquiryBar({ problemId, at, min, max }: Props) {
  const base = `/problems/${seg(problemId)}`;
  // Where the slider is being moved to; otherwise it shows the page's instant (live: now).
  const [moving, setMoving] = useState<number | undefined>(undefined);
  const [picked, setPicked] = useState(toInputValue(at ?? max));
  const [pickError, setPickError] = useState<string | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const slider = moving ?? at ?? max;

  useEffect(() => {
    setMoving(undefined);
    if (at !== undefined) setPicked(toInputValue(at));
  }, [at]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const go = (instant: number | undefined) => {
    if ((instant === undefined || instant >= max) && at === undefined) setMoving(undefined);
    else if (instant === undefined || instant >= max) navigate(base, { replace: true });
    else navigate(`${base}?at=${encodeURIComponent(new Date(instant).toISOString())}`, { replace: at !== undefined });
  };

  const onSlide = (value: number) => {
    setMoving(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go(value), SETTLE_MS);
  };

  const onPick = () => {
    const instant = fromInputValue(picked);
    if (instant === undefined) {
      setPickError('Give a date and a time.');
      return;
    }
    if (instant > max) {
      setPickError('That is in the future: the latest is now.');
      return;
    }
    setPickError(undefined);
    go(instant);
  };

  const span = Math.max(1000, max - min);
  const step = Math.max(1000, Math.round(span / 1000 / 1000) * 1000);
  return (
    <div className="inquiry-bar" role="group" aria-label="Inquiry: see this problem as of a past instant">
      <label htmlFor="asof-slider" className="inquiry-label">
        As of
      </label>
      <input
        id="asof-slider"
        type="range"
        min={min}
        max={max}
        step={step}
        value={Math.min(max, Math.max(min, slider))}
        onChange={(e) => onSlide(Number(e.target.value))}
        aria-valuetext={slider >= max ? 'now (live)' : utc(slider)}
      />
      <span className="inquiry-value" aria-hidden="true">
        {slider >= max ? 'now (live)' : utc(slider)}
      </span>
      <form
        className="inquiry-pick"
        onSubmit={(e) => {
          e.preventDefault();
          onPick();
        }}
      >
        <label htmlFor="asof-date">Date and time (UTC)</label>
        <input
          id="asof-date"
          type="datetime-local"
          step={1}
          value={picked}
          max={toInputValue(max)}
          onChange={(e) => setPicked(e.target.value)}
          aria-invalid={pickError !== undefined}
          aria-describedby={pickError !== undefined ? 'asof-date-error' : undefined}
        />
        <button type="submit" className="button">
          Show
        </button>
        {pickError !== undefined && (
          <span id="asof-date-error" className="field-error" role="alert">
            {pickError}
          </span>
        )}
      </form>
      {at !== undefined && (
        <button type="button" className="button-primary" onClick={() => go(undefined)}>
          Back to live
        </button>
      )}
    </div>
  );
}
