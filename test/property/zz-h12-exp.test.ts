import { it } from 'vitest';
import { runFailoverScenario } from '../../src/sim/failover-check/index.js';
it('exp', () => {
  for (const persistence of ['none','aof'] as const) {
  const t0 = performance.now();
  const r = runFailoverScenario({
    seed: 3,
    topology: { masters: 3, replicas: [1, 1, 2], persistence },
    faults: [
      { at: 2000, action: { kind: 'crash', node: 0 } },
      { at: 12000, action: { kind: 'restart', node: 0 } },
      { at: 14000, action: { kind: 'partition', side: 2 } },
      { at: 22000, action: { kind: 'heal', side: 2 } },
    ],
    faultPhaseMs: 25000,
    finalKills: [2],
  });
  console.log(JSON.stringify({ ...r, timeline: r.timeline }, null, 1), performance.now() - t0);
  }
});
