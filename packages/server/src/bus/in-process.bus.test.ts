import { describeBusContract } from './bus.contract';
import { inProcessBus } from './in-process.bus';

// One process, one node: the bus reaches this process's subscribers only.
describeBusContract('in-process', async (onError) => {
  const bus = inProcessBus(onError);
  return { nodes: [bus], close: () => bus.close() };
});
