/**
 * Dark (the watch floor at night) or light, chosen once and remembered in this browser.
 * The choice is an attribute on <html>; the stylesheets do the rest.
 */
import { useCallback, useState } from 'react';

export type Theme = 'dark' | 'light';

const KEY = 'vigil.theme';

/** The remembered theme, else dark (a watch floor at night), whatever the system prefers. */
export function initialTheme(): Theme {
  try {
    const saved = window.localStorage.getItem(KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {
    // Storage may be refused (privacy settings): the default serves.
  }
  return 'dark';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => (document.documentElement.dataset.theme === 'light' ? 'light' : 'dark'));
  const toggle = useCallback(() => {
    setTheme((old) => {
      const next: Theme = old === 'dark' ? 'light' : 'dark';
      applyTheme(next);
      try {
        window.localStorage.setItem(KEY, next);
      } catch {
        // Not remembered; still applied.
      }
      return next;
    });
  }, []);
  return [theme, toggle];
}
