import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { Differential, formatMismatch } from './harness.js';
import { connectionGenerator, keysGenerator, stringsGenerator } from './generators.js';

it('explore', async () => {
  const diff = await Differential.start();
  const excluded = new Set<string>((process.env.EXCLUDE ?? '').split(',').filter(Boolean));
  const found: string[] = [];
  const fams = [stringsGenerator, keysGenerator, connectionGenerator];
  for (let round = 0; round < 25; round++) {
    const key = (c: readonly string[]) =>
      c[0]!.toUpperCase() === 'OBJECT' || c[0]!.toUpperCase() === 'SCAN'
        ? c.slice(0, 2).join(' ').toUpperCase()
        : c[0]!.toUpperCase();
    const arb = fc.array(
      fc
        .oneof(...fams.map((f) => f.command))
        .filter((c) => !excluded.has(key(c)) && !excluded.has(c[0]!.toUpperCase())),
      { minLength: 1, maxLength: 25 },
    );
    try {
      await fc.assert(
        fc.asyncProperty(arb, async (seq) => {
          const m = await diff.run(seq);
          if (m) throw Object.assign(new Error(formatMismatch(seq, m)), { cmd: key(m.command) });
        }),
        { numRuns: Number(process.env.RUNS ?? 300) },
      );
      found.push(`round ${round}: no mismatch in 300 runs`);
      break;
    } catch (e) {
      const cause = (e as { cause?: Error & { cmd?: string } }).cause;
      const msg = cause?.message ?? String(e);
      const m = /at command #\d+: \[('[^']*')/.exec(msg);
      const name = cause?.cmd ?? (m ? m[1]!.slice(1, -1).toUpperCase() : 'UNKNOWN');
      found.push(`### ${name}\n${msg}\n`);
      excluded.add(name);
    }
  }
  writeFileSync('/tmp/protoeng/explore.txt', found.join('\n'));
  await diff.stop();
}, 600_000);
