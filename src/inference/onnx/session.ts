// ONNX Runtime sessions and execution providers. CPU is the default; CUDA is tried when its provider library is
// installed next to onnxruntime-node, WebGPU when the package lists it (it fails fast without an adapter).
// `--cpu` forces CPU. A provider that fails to start is dropped with one warning and the next is tried, so the
// process settles on one provider; one log line says which.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { Tensor } from '../tensor.ts';

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';

export interface RuntimeOptions {
  /** Force the CPU provider (ComfyUI's `--cpu`). */
  cpu?: boolean;
  /** Intra-op threads; default: ONNX Runtime's choice (one per physical core). */
  threads?: number;
  log?: (message: string) => void;
  warn?: (message: string) => void;
}

const failed = new Set<ProviderName>();
let announced: ProviderName | undefined;
let lastProvider: ProviderName | undefined;

/** The providers to try, best first, for these options on this installation. */
export function candidateProviders(options: RuntimeOptions = {}): ProviderName[] {
  if (options.cpu) return ['cpu'];
  const listed = new Set(ort.listSupportedBackends().map((b) => b.name));
  const out: ProviderName[] = [];
  if (listed.has('cuda') && cudaLibraryInstalled()) out.push('cuda');
  if (listed.has('webgpu') && gpuDevicePresent()) out.push('webgpu');
  out.push('cpu');
  return out.filter((p) => p === 'cpu' || !failed.has(p));
}

/** The provider the latest session runs on (for /system_stats); undefined before any session. */
export function activeProvider(): ProviderName | undefined {
  return lastProvider;
}

/**
 * WebGPU needs a GPU the OS exposes; on a Linux machine without a render node (a CPU server, CI) Dawn would only
 * print Vulkan errors before failing, so it is not tried there.
 */
function gpuDevicePresent(): boolean {
  if (process.platform !== 'linux') return true;
  return existsSync('/dev/dri') || existsSync('/dev/nvidia0');
}

function cudaLibraryInstalled(): boolean {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const dir = join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(join(dir, 'libonnxruntime_providers_cuda.so')) || existsSync(join(dir, 'onnxruntime_providers_cuda.dll'));
  } catch {
    return false;
  }
}

export interface Session {
  readonly provider: ProviderName;
  readonly inner: ort.InferenceSession;
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

/** Opens `modelPath` on the best provider that starts. */
export async function createSession(modelPath: string, options: RuntimeOptions = {}): Promise<Session> {
  const log = options.log ?? ((m: string) => console.log(m));
  const warn = options.warn ?? ((m: string) => console.warn(m));
  let lastError: unknown;
  for (const provider of candidateProviders(options)) {
    try {
      const inner = await ort.InferenceSession.create(modelPath, sessionOptions(provider, options));
      if (announced !== provider) {
        log(`ONNX Runtime ${ort.env.versions.common}: running networks on the ${provider.toUpperCase()} execution provider`);
        announced = provider;
      }
      lastProvider = provider;
      return {
        provider,
        inner,
        run: (feeds) => inner.run(feeds),
        release: () => inner.release(),
      };
    } catch (e) {
      lastError = e;
      if (provider === 'cpu') break;
      failed.add(provider);
      warn(`the ${provider} execution provider failed to start (${firstLine(e)}); falling back`);
    }
  }
  throw lastError;
}

function sessionOptions(provider: ProviderName, options: RuntimeOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    logSeverityLevel: 3,
  };
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 200);
}

/** A float32 comfy-ts Tensor as an ORT tensor (sharing memory). */
export function toOrt(t: Tensor): ort.Tensor {
  return new ort.Tensor('float32', t.data, [...t.shape]);
}

/** An int64 ORT tensor from plain numbers. */
export function int64Tensor(values: readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [...dims]);
}

/** A float32 ORT output as a comfy-ts Tensor. */
export function fromOrt(t: ort.Tensor): Tensor {
  if (t.type !== 'float32') throw new Error(`expected a float32 output, got ${t.type}`);
  return new Tensor([...t.dims], t.data as Float32Array);
}
