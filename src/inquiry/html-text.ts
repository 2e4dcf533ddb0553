/** Text for HTML and SVG: everything that is not markup is escaped. */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Bidirectional formatting characters (embeddings and overrides U+202A-U+202E, isolates
 * U+2066-U+2069, and the marks U+200E, U+200F, U+061C): in user text they would reorder what
 * follows them (a timestamp read backwards), so they are shown as visible code points instead.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** A bidi control as it is shown: `[U+202E]`. */
function visibleCodePoint(c: string): string {
  return `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** `text` safe inside an element or a quoted attribute value (HTML or SVG), bidi controls made visible. Never throws. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(BIDI_CONTROLS, visibleCodePoint);
}
