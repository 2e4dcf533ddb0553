/**
 * Member names JSON.parse lets through silently: a name given twice in one object (JSON.parse
 * keeps the last, so the reader and the writer may mean different things: RFC 8259 leaves it
 * open, I-JSON, RFC 7493, forbids it) and `__proto__` (which code merging objects could take
 * for the prototype). Pure.
 */
import { pointer, type Issue } from './issues.js';

/** Where a container is: the segments of its pointer, and for an object the names seen. */
interface Frame {
  readonly names: Set<string> | undefined;
  index: number;
}

/**
 * The first duplicated or forbidden member name in `text`, which must be valid JSON (check it
 * with JSON.parse first), as an issue with its JSON Pointer; undefined when there is none.
 * With `allowProto`, `__proto__` is left to the caller's own checks (only repeats are looked for).
 */
export function memberNameIssue(text: string, allowProto = false): Issue | undefined {
  const frames: Frame[] = [];
  const path: (string | number)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: find its end, skipping escaped characters.
      let end = i + 1;
      for (;;) {
        const quote = text.indexOf('"', end);
        let backslashes = 0;
        for (let k = quote - 1; text.charCodeAt(k) === 0x5c; k--) backslashes++;
        end = quote + 1;
        if (backslashes % 2 === 0) break;
      }
      if (expectName) {
        const raw = text.slice(i, end);
        const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const frame = frames[frames.length - 1]!;
        path[path.length - 1] = name;
        if (name === '__proto__' && !allowProto) return { path: pointer(path), message: 'a member named "__proto__" is not accepted' };
        if (frame.names!.has(name)) return { path: pointer(path), message: 'is given twice in the same object' };
        frame.names!.add(name);
        expectName = false;
      }
      i = end - 1;
    } else if (c === 0x7b) {
      frames.push({ names: new Set(), index: 0 });
      path.push('');
      expectName = true;
    } else if (c === 0x5b) {
      frames.push({ names: undefined, index: 0 });
      path.push(0);
    } else if (c === 0x7d || c === 0x5d) {
      frames.pop();
      path.pop();
      expectName = false;
    } else if (c === 0x2c) {
      const frame = frames[frames.length - 1]!;
      if (frame.names === undefined) path[path.length - 1] = ++frame.index;
      else expectName = true;
    }
  }
  return undefined;
}
