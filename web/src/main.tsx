/** The watch floor's entry: the theme before the first paint, then the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { applyTheme, initialTheme } from './theme.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/panels.css';
import './styles/forms.css';
import './styles/warnings.css';

applyTheme(initialTheme());

const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
