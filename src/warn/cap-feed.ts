/**
 * The index of current CAP alerts as an Atom feed (RFC 4287), the shape CAP aggregators read:
 * one entry per warning, its `alternate` link the warning's CAP alert
 * (`application/cap+xml`), updated when a new version is issued. Pure: text in, XML out.
 */
import { createHash } from 'node:crypto';
import { CAP_MEDIA_TYPE } from './cap.js';
import { xmlElement, xmlText } from './xml-text.js';

/** One warning in the feed. */
export interface CapFeedEntry {
  readonly warning: string;
  readonly state: 'open' | 'closed';
  readonly version: number;
  readonly problemTitle: string;
  readonly level: string;
  readonly pDangerous: number;
  readonly words: string;
  /** When its current version was issued (ISO instant). */
  readonly updated: string;
  /** The URL of its CAP alert (absolute, or relative to the feed's own URL). */
  readonly capUrl: string;
}

export interface CapFeedSettings {
  /** The CAP sender: the feed's author and the seed of its id. */
  readonly sender: string;
  /** The feed's own URL. */
  readonly selfUrl: string;
  /** When the feed last changed (ISO instant): the latest entry, else now. */
  readonly updated: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stable `urn:uuid:` for a name: the name itself when it is a UUID, else one derived from it (SHA-1, as a version 5 UUID). */
export function uuidUrn(name: string): string {
  if (UUID.test(name)) return `urn:uuid:${name.toLowerCase()}`;
  const h = createHash('sha1').update(`vigil:${name}`, 'utf8').digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The Atom feed of `entries` (a complete UTF-8 XML document). */
export function capFeed(entries: readonly CapFeedEntry[], settings: CapFeedSettings): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  ${xmlElement('id', uuidUrn(`cap-feed:${settings.sender}`))}`,
    '  <title>Vigil: current warnings (CAP 1.2)</title>',
    `  ${xmlElement('updated', settings.updated)}`,
    `  <author>${xmlElement('name', settings.sender)}</author>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(settings.selfUrl)}"/>`,
    '  <generator>Vigil</generator>',
  ];
  for (const e of entries) {
    const chance = `${e.words} (${(e.pDangerous * 100).toFixed(0)} %)`;
    lines.push(
      '  <entry>',
      `    ${xmlElement('id', uuidUrn(e.warning))}`,
      `    ${xmlElement('title', e.state === 'closed' ? `All clear: ${e.problemTitle}` : `${e.level}: ${e.problemTitle}`)}`,
      `    ${xmlElement('updated', e.updated)}`,
      `    <link rel="alternate" type="${CAP_MEDIA_TYPE}" href="${xmlText(e.capUrl)}"/>`,
      `    ${xmlElement('summary', `${e.state === 'closed' ? 'All clear' : `Level ${e.level}`}: the dangerous hypotheses are ${chance}; version ${e.version}.`)}`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
