// The UNet as a callable: `loadUnet(weights, config, runtime)` builds (or reuses) its graph and opens a session;
// `apply(x, timesteps, context)` runs one evaluation.
import type { UnetConfig } from '../../files/detect-unet.ts';
import { openNetworkGraph, type NetworkRuntime, type WeightSource } from '../../onnx/network-graph.ts';
import { fromOrt, toOrt, type ProviderName } from '../../onnx/session.ts';
import { Tensor } from '../../tensor.ts';
import ort from 'onnxruntime-node';
import { buildUnet } from './unet-graph.ts';

export interface UnetModel {
  readonly config: UnetConfig;
  readonly provider: ProviderName;
  /** The graph file, and whether it came from the cache. */
  readonly graph: { path: string; reused: boolean };
  /**
   * One evaluation: x [B, in, H, W] (H, W multiples of 8), timesteps (B values, or one for all), context
   * [B or 1, T, context_dim], y [B or 1, adm] for models with an ADM input. Returns [B, out, H, W].
   */
  apply(x: Tensor, timesteps: ArrayLike<number>, context: Tensor, y?: Tensor): Promise<Tensor>;
  release(): Promise<void>;
}

/** Bumped when the graph's structure changes, so graphs cached by an older build are not reused. */
const UNET_GRAPH_VERSION = 2;

export async function loadUnet(
  weights: WeightSource, config: UnetConfig, runtime: NetworkRuntime, prefix = 'model.diffusion_model.',
): Promise<UnetModel> {
  const { path, reused, session } = await openNetworkGraph(weights, {
    network: 'unet', arch: { ...config, graph: UNET_GRAPH_VERSION }, prefix, build: (g, w) => buildUnet(g, w, config),
  }, runtime);
  return {
    config, provider: session.provider, graph: { path, reused },
    async apply(x, timesteps, context, y) {
      const batch = x.shape[0]!;
      const t = Float32Array.from({ length: batch }, (_, i) => timesteps[timesteps.length === 1 ? 0 : i]!);
      const feeds: Record<string, ort.Tensor> = {
        x: toOrt(x),
        timesteps: new ort.Tensor('float32', t, [batch]),
        context: toOrt(repeatBatch(context, batch)),
      };
      if (config.adm_in_channels !== null) {
        if (!y) throw new Error('this UNet needs an ADM vector y');
        feeds.y = toOrt(repeatBatch(y, batch));
      }
      const out = await session.run(feeds);
      return fromOrt(out.out!);
    },
    release: () => session.release(),
  };
}

/** `t` with its batch of 1 repeated to `batch` (or unchanged when it already has that batch). */
export function repeatBatch(t: Tensor, batch: number): Tensor {
  if (t.shape[0] === batch) return t;
  if (t.shape[0] !== 1) throw new Error(`cannot repeat a batch of ${t.shape[0]} to ${batch}`);
  return Tensor.concatBatch(Array.from({ length: batch }, () => t));
}
