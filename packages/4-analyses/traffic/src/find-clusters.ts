/**
 * Clusters of linked accounts: Louvain community detection (V. Blondel et al., "Fast unfolding of
 * communities in large networks", J. Stat. Mech. 2008) on the coordination graph, through
 * graphology's implementation, with a seeded generator so a scan is reproducible. Connected
 * components alone would chain a campaign to a benign office through one shared address; Louvain
 * splits such chains where the links are thin.
 */
import { UndirectedGraph } from 'graphology';
import * as louvainModule from 'graphology-communities-louvain';
import { createRng } from '@tracemark/stats';

// The package is CommonJS whose typings declare an ES default export. Node's ESM gives
// `module.exports` (the function) as `default`; a bundler's interop may wrap it once more.
type Louvain = (graph: UndirectedGraph, options: { getEdgeWeight: string; rng: () => number }) => Record<string, number>;
const louvainDefault = (louvainModule as unknown as { default: Louvain | { default: Louvain } }).default;
const louvain: Louvain = typeof louvainDefault === 'function' ? louvainDefault : louvainDefault.default;

export interface CoordinationEdge {
  readonly a: string;
  readonly b: string;
  /** Shared infrastructure values (IP prefix, user agent, payment, timing). */
  readonly infra: number;
  /** Shared template buckets. */
  readonly templates: number;
}

/** Weight of an edge: each infrastructure value counts 1, each template bucket 1/6 (a near-duplicate template shares ≈ 6 bands). */
export function edgeWeight(e: CoordinationEdge): number {
  return e.infra + e.templates / 6;
}

/**
 * @returns the clusters (≥ 2 accounts, sorted), largest first, ties by first account; and each
 *   account's weighted degree (the per-account coordination score).
 */
export function findClusters(edges: readonly CoordinationEdge[], seed = 'tracemark-traffic'): { clusters: string[][]; degree: Map<string, number> } {
  const graph = new UndirectedGraph();
  const degree = new Map<string, number>();
  for (const e of edges) {
    if (!graph.hasNode(e.a)) graph.addNode(e.a);
    if (!graph.hasNode(e.b)) graph.addNode(e.b);
    const w = edgeWeight(e);
    graph.addEdge(e.a, e.b, { weight: w });
    degree.set(e.a, (degree.get(e.a) ?? 0) + w);
    degree.set(e.b, (degree.get(e.b) ?? 0) + w);
  }
  if (graph.order === 0) return { clusters: [], degree };
  const communities = louvain(graph, { getEdgeWeight: 'weight', rng: createRng(seed) });
  const byId = new Map<number, string[]>();
  for (const [node, c] of Object.entries(communities)) {
    const list = byId.get(c) ?? [];
    list.push(node);
    byId.set(c, list);
  }
  const clusters = [...byId.values()].filter((c) => c.length >= 2).map((c) => c.sort());
  clusters.sort((x, y) => y.length - x.length || (x[0]! < y[0]! ? -1 : 1));
  return { clusters, degree };
}
