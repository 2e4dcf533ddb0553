/**
 * Several processes on one store: what the others append reaches this one's listeners (the
 * warning engine, the live stream) once projected, when it catches up or when its own next
 * append finds them before its own events. Every event is told exactly once. Both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/log/event-log.js';
import { announceUnavailable, Store, STORES } from './stores.js';

const event = (k: number): NewEvent => ({ type: 'test.noted', stream: 's', actor: 'a', data: { k } });

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.runIf(fixture.unavailable === undefined)(`catching up with other processes on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    let here: Store;
    let there: Store;
    beforeEach(async () => {
      fresh = await fixture.fresh();
      here = await Store.open(fresh.options);
      there = await Store.open(fresh.options);
    });
    afterEach(async () => {
      await here.close();
      await there.close();
      await fresh.dispose();
    });

    it('tells each event of the store once: the others’ at catch-up or before its own appends', async () => {
      const told: number[] = [];
      here.onProjected((events) => told.push(...events.map((e) => e.seq)));

      await there.append([event(1), event(2)]);
      expect(told).toEqual([]);
      expect(await here.catchUp()).toBe(2);
      expect(await here.catchUp()).toBe(0);

      // The others write, then this one: its append tells their events first, then its own.
      await there.append([event(3)]);
      await here.append([event(4)]);
      await there.append([event(5), event(6)]);
      await Promise.all([here.append([event(7)]), here.catchUp(), here.append([event(8)])]);
      await here.catchUp();

      const head = (await here.log.head())!.seq;
      expect([...told].sort((a, b) => a - b)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      expect(new Set(told).size).toBe(told.length);
      expect(here.projector.cursor).toBe(head);
    });

    it('projects the events of another process that fall between two of its own in one batch', async () => {
      const told: number[] = [];
      here.onProjected((events) => told.push(...events.map((e) => e.seq)));
      // Here appends straight to the log (as a checkpoint does, around the group commit), the
      // other process defines a problem, then here appends through the store: one batch with a
      // hole where the other's event is.
      await here.log.append([event(1)]);
      const { parseProblemText } = await import('../../src/core/problem-file.js');
      const { readFileSync } = await import('node:fs');
      const tiny = (parseProblemText(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8'), 'yaml') as { value: unknown }).value;
      await there.defineProblem(tiny, 'other');
      await here.append([event(2)]);
      expect(await here.problem('tiny')).toBeDefined();
      const head = (await here.log.head())!.seq;
      expect(here.projector.cursor).toBe(head);
      expect([...told].sort((a, b) => a - b)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    });
  });
}
