/**
 * Text inside XML we write (CAP alerts, their Atom feed). Every string that goes into an
 * element or attribute passes through `xmlText`: markup characters are escaped, and characters
 * XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE, U+FFFF) become
 * U+FFFD, so no value can break the document or smuggle markup into it.
 */

/** Every character XML 1.0 does not allow (section 2.2, Char), code point by code point. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Kept as written: a literal CR would be read back as a line feed.
  '\r': '&#13;',
};

/** `value` as XML character data (or an attribute value): escaped, never markup. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

/** `<name>value</name>`, the value escaped. `name` is ours, never input. */
export function xmlElement(name: string, value: string): string {
  return `<${name}>${xmlText(value)}</${name}>`;
}
