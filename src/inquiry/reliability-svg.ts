/**
 * The reliability diagram as a picture: an SVG drawn on the server, the same for the API, the
 * inquiry report (HTML and PDF) and the web UI. Plain SVG: no script, no style attribute or
 * element (presentation attributes only, so it renders under any Content-Security-Policy, as an
 * image or inline), every text escaped. Pure.
 */
import type { ReliabilityBin } from '../core/scoring.js';
import { escapeText as escapeHtml } from './html-text.js';

const SIZE = 360;
const LEFT = 56;
const TOP = 40;
const PLOT = 260;
const BLUE = '#4477AA';
const GREY = '#777777';

function x(p: number): number {
  return LEFT + p * PLOT;
}

function y(p: number): number {
  return TOP + (1 - p) * PLOT;
}

function r2(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/**
 * Draws reliability bins: forecast probability across, observed frequency up, the diagonal of
 * perfect calibration, one dot per non-empty bin (its area by its count, labelled with it).
 */
export function reliabilitySvg(bins: readonly ReliabilityBin[], options: { title: string }): string {
  const filled = bins.filter((b) => b.count > 0 && b.meanForecast !== null && b.observedFrequency !== null);
  const most = filled.reduce((m, b) => Math.max(m, b.count), 1);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const grid = ticks
    .map(
      (t) =>
        `<line x1="${r2(x(t))}" y1="${r2(y(0))}" x2="${r2(x(t))}" y2="${r2(y(1))}" stroke="#dddddd" stroke-width="1"/>` +
        `<line x1="${r2(x(0))}" y1="${r2(y(t))}" x2="${r2(x(1))}" y2="${r2(y(t))}" stroke="#dddddd" stroke-width="1"/>` +
        `<text x="${r2(x(t))}" y="${r2(y(0) + 16)}" font-size="11" text-anchor="middle" fill="#333333">${Math.round(t * 100)} %</text>` +
        `<text x="${r2(x(0) - 6)}" y="${r2(y(t) + 4)}" font-size="11" text-anchor="end" fill="#333333">${Math.round(t * 100)} %</text>`,
    )
    .join('');
  const line = filled.map((b) => `${r2(x(b.meanForecast!))},${r2(y(b.observedFrequency!))}`).join(' ');
  const dots = filled
    .map((b) => {
      const radius = 3 + 9 * Math.sqrt(b.count / most);
      const label = `${Math.round(b.lower * 100)}–${Math.round(b.upper * 100)} %: ${b.count} forecast${b.count === 1 ? '' : 's'}, mean ${Math.round(b.meanForecast! * 1000) / 10} %, happened ${Math.round(b.observedFrequency! * 1000) / 10} %`;
      return (
        `<circle cx="${r2(x(b.meanForecast!))}" cy="${r2(y(b.observedFrequency!))}" r="${r2(radius)}" fill="${BLUE}" fill-opacity="0.75" stroke="#ffffff" stroke-width="1"><title>${escapeHtml(label)}</title></circle>` +
        `<text x="${r2(x(b.meanForecast!) + radius + 2)}" y="${r2(y(b.observedFrequency!) - 2)}" font-size="10" fill="#333333">${b.count}</text>`
      );
    })
    .join('');
  const summary = filled.length === 0 ? 'No forecasts scored yet: no problem has a recorded outcome.' : `Dots on the diagonal are calibrated; ${filled.length} of ${bins.length} bins hold forecasts.`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-labelledby="reliability-title reliability-desc">`,
    `<title id="reliability-title">${escapeHtml(options.title)}</title>`,
    `<desc id="reliability-desc">${escapeHtml(summary)}</desc>`,
    `<rect x="0" y="0" width="${SIZE}" height="${SIZE}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="12" font-weight="bold" fill="#111111">${escapeHtml(options.title.length > 60 ? `${options.title.slice(0, 57)}…` : options.title)}</text>`,
    grid,
    `<line x1="${r2(x(0))}" y1="${r2(y(0))}" x2="${r2(x(1))}" y2="${r2(y(1))}" stroke="${GREY}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<rect x="${LEFT}" y="${TOP}" width="${PLOT}" height="${PLOT}" fill="none" stroke="#333333" stroke-width="1"/>`,
    filled.length > 1 ? `<polyline points="${line}" fill="none" stroke="${BLUE}" stroke-width="1.5"/>` : '',
    dots,
    `<text x="${r2(x(0.5))}" y="${SIZE - 14}" font-size="12" text-anchor="middle" fill="#111111">forecast P(dangerous)</text>`,
    `<text x="14" y="${r2(y(0.5))}" font-size="12" text-anchor="middle" fill="#111111" transform="rotate(-90 14 ${r2(y(0.5))})">how often danger came</text>`,
    filled.length === 0 ? `<text x="${r2(x(0.5))}" y="${r2(y(0.5))}" font-size="12" text-anchor="middle" fill="#555555">no resolved problems yet</text>` : '',
    '</svg>',
  ].join('\n');
}
