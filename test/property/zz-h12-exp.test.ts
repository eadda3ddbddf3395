import { it } from 'vitest';
import { Simulation } from '../../src/sim/simulation.js';
import { formCluster } from '../../src/sim/sim-cluster.js';
import { toPlain } from '../../src/protocol/reply-text.js';
it('exp', () => {
  const sim = new Simulation({ seed: 7 });
  const names = ['n1','n2','n3','n4','n5','n6'];
  for (const n of names) sim.addNode(n, [['cluster-enabled',['yes']],['cluster-node-timeout',['2000']]]);
  formCluster(sim, names, { replicas: 1 });
  sim.runFor(3000);
  console.log(String(toPlain(sim.client('n5').run('INFO','replication'))));
  console.log(sim.eventLog.lines().filter(l=>/\[n5\]|\[n1\]/.test(l) && !/->|<-/.test(l)).slice(0,80).join('\n'));
});
