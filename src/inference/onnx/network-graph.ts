// Build-or-reuse of one network's graph: the cache folder for the weight file, the graph file keyed by the
// architecture, building it (binding weights and checking them) only when it is not there yet, then a session.
import type { TensorRef } from '../files/weight-file.ts';
import { GraphCache } from './cache.ts';
import { GraphBuilder } from './graph-builder.ts';
import { createSession, type RuntimeOptions, type Session } from './session.ts';
import { WeightBinder, type WeightView } from './weights.ts';

/** Where graphs are cached and how sessions run; shared by every network loader. */
export interface NetworkRuntime extends RuntimeOptions {
  cache: GraphCache;
}

/** What a loader needs of a weight file: its path and tensor map (a WeightFile or a key-mapped view of one). */
export interface WeightSource {
  path: string;
  tensors: ReadonlyMap<string, TensorRef>;
}

export interface NetworkGraphSpec {
  /** Short name used in file names and messages: "unet", "clip", "vae-decoder"… */
  network: string;
  /** Everything the graph depends on besides the weights' bytes (config, prefix, options). */
  arch: unknown;
  /** Key prefix of the network inside the weight file. */
  prefix: string;
  /** Keys under the prefix that the network legitimately never reads (buffers such as position_ids). */
  ignoreUnused?: readonly RegExp[];
  build(g: GraphBuilder, w: WeightView): void;
}

export interface NetworkGraph {
  path: string;
  /** True when the graph file came from the cache rather than being built now. */
  reused: boolean;
  session: Session;
}

/** Returns a session for the spec's graph, building and caching the graph on first use. */
export async function openNetworkGraph(weights: WeightSource, spec: NetworkGraphSpec, runtime: NetworkRuntime): Promise<NetworkGraph> {
  const folder = await runtime.cache.folderFor(weights.path);
  const path = folder.graphPath(spec.network, { prefix: spec.prefix, arch: spec.arch });
  const reused = folder.has(path);
  if (!reused) await folder.write(path, buildNetworkGraph(weights, spec, folder.locate), spec.network);
  return { path, reused, session: await createSession(path, runtime) };
}

/** Builds and serializes the graph; throws a WeightMismatchError when names are missing or unused. */
export function buildNetworkGraph(weights: WeightSource, spec: NetworkGraphSpec, locate: (file: string) => string): Uint8Array {
  const g = new GraphBuilder(spec.network);
  const binder = new WeightBinder(g, weights.tensors, locate, spec.prefix);
  spec.build(g, binder.root());
  binder.check(spec.network, spec.ignoreUnused);
  return g.toBytes({ network: spec.network });
}
