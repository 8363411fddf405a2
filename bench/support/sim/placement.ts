/**
 * An agent's primary and secondary node among `nodes`: primary index % nodes; the secondary is
 * another node, the agents of one primary taking turns over all the others.
 *
 * Why not simply the next node: when a node dies, all its agents then land on one node, which
 * holds twice its share. At 100,000 agents on 6 nodes that is 33,000 connections in one process,
 * past the 20,000 open files one process may hold here (bench:scale saw the secondary fail with
 * EMFILE after 3,305 of 16,666 arrived). Spread over the other five, each takes a fifth.
 */
export function nodesOf(index: number, nodes: number): { primary: number; secondary: number } {
  const primary = index % nodes;
  if (nodes < 2) return { primary, secondary: primary };
  const offset = 1 + (Math.floor(index / nodes) % (nodes - 1));
  return { primary, secondary: (primary + offset) % nodes };
}
