// ComfyUI's command-line flags (nodes.md §7, changes-0.8.0 §6) as data: name, arity, type, default and whether
// comfy-ts honours it. Flags that only make sense for PyTorch are accepted and reported as ignored.

export type Arity =
  /** `--flag` → true */
  | 'flag'
  /** `--flag VALUE` */
  | 'one'
  /** `--flag [VALUE]` → const when bare */
  | 'optional'
  /** `--flag V [V …]`, each occurrence appended (argparse nargs='+', action='append' flattened) */
  | 'many'
  /** `--flag V [V …]`, the last occurrence wins (argparse nargs='+' without append) */
  | 'many-last'
  /** `--flag [V …]` → const when bare */
  | 'any';

/** `directory`: an existing, readable folder (ComfyUI's `is_valid_directory`). */
export type ValueType = 'string' | 'int' | 'float' | 'directory';

export interface OptionSpec {
  name: string;
  arity: Arity;
  type?: ValueType;
  choices?: readonly string[];
  /** With choices: argparse's message names this type (`invalid PerformanceFeature value`) instead of `invalid choice`. */
  choiceType?: string;
  default?: unknown;
  /** The value of a bare `optional`/`any` flag. */
  const?: unknown;
  metavar?: string;
  help: string;
  /** Why comfy-ts ignores the flag; absent = honoured. */
  ignored?: string;
  /** Flags that exclude each other share a group name. */
  group?: string;
}

const TORCH = 'PyTorch device/memory settings do not apply: inference runs on ONNX Runtime';
const DTYPE = 'weight and compute precision are chosen by the ONNX Runtime graphs';
const ATTENTION = 'the attention implementation is chosen by ONNX Runtime';
const NOT_YET = 'not supported by comfy-ts';
const PERFORMANCE_FEATURES = ['fp16_accumulation', 'fp8_matrix_mult', 'cublas_ops', 'autotune'] as const;

export const OPTIONS: readonly OptionSpec[] = [
  { name: 'listen', arity: 'optional', default: '127.0.0.1', const: '0.0.0.0,::', metavar: 'IP', help: 'Address(es) to listen on, comma separated; bare flag = 0.0.0.0,:: (all interfaces).' },
  { name: 'port', arity: 'one', type: 'int', default: 8188, help: 'Port to listen on.' },
  { name: 'tls-keyfile', arity: 'one', metavar: 'FILE', help: 'TLS key file; with --tls-certfile the server speaks https.' },
  { name: 'tls-certfile', arity: 'one', metavar: 'FILE', help: 'TLS certificate file; with --tls-keyfile the server speaks https.' },
  { name: 'enable-cors-header', arity: 'optional', const: '*', metavar: 'ORIGIN', help: 'Send CORS headers for ORIGIN (bare flag: *) instead of the same-origin check.' },
  { name: 'max-upload-size', arity: 'one', type: 'float', default: 100, help: 'Maximum request body size in MB.' },
  { name: 'base-directory', arity: 'one', metavar: 'DIR', help: 'Base directory for models, custom_nodes, input, output, temp and user.' },
  { name: 'extra-model-paths-config', arity: 'many', metavar: 'PATH', help: 'Load one or more extra_model_paths.yaml files (repeatable).' },
  { name: 'output-directory', arity: 'one', metavar: 'DIR', help: 'Output directory.' },
  { name: 'temp-directory', arity: 'one', metavar: 'DIR', help: 'Temp directory (the temp folder is DIR/temp).' },
  { name: 'input-directory', arity: 'one', metavar: 'DIR', help: 'Input directory.' },
  { name: 'auto-launch', arity: 'flag', help: 'Open the UI in the default browser.', ignored: 'comfy-ts never opens a browser' },
  { name: 'disable-auto-launch', arity: 'flag', help: 'Do not open a browser.' },
  { name: 'cuda-device', arity: 'one', type: 'int', metavar: 'DEVICE_ID', help: 'CUDA device to use.', ignored: TORCH },
  { name: 'default-device', arity: 'one', type: 'int', metavar: 'DEFAULT_DEVICE_ID', help: 'Default device.', ignored: TORCH },
  { name: 'cuda-malloc', arity: 'flag', help: 'Use cudaMallocAsync.', ignored: TORCH, group: 'cuda-malloc' },
  { name: 'disable-cuda-malloc', arity: 'flag', help: 'Disable cudaMallocAsync.', ignored: TORCH, group: 'cuda-malloc' },
  { name: 'force-fp32', arity: 'flag', help: 'Force fp32.', ignored: DTYPE, group: 'fp' },
  { name: 'force-fp16', arity: 'flag', help: 'Force fp16.', ignored: DTYPE, group: 'fp' },
  ...['fp32', 'fp64', 'bf16', 'fp16', 'fp8_e4m3fn', 'fp8_e5m2', 'fp8_e8m0fnu'].map(
    (t): OptionSpec => ({ name: `${t}-unet`, arity: 'flag', help: `Store and run the diffusion model in ${t}.`, ignored: DTYPE, group: 'unet-dtype' }),
  ),
  ...['fp16', 'fp32', 'bf16'].map((t): OptionSpec => ({ name: `${t}-vae`, arity: 'flag', help: `Run the VAE in ${t}.`, ignored: DTYPE, group: 'vae-dtype' })),
  { name: 'cpu-vae', arity: 'flag', help: 'Run the VAE on the CPU.', ignored: TORCH },
  ...['fp8_e4m3fn', 'fp8_e5m2', 'fp16', 'fp32', 'bf16'].map(
    (t): OptionSpec => ({ name: `${t}-text-enc`, arity: 'flag', help: `Run the text encoder in ${t}.`, ignored: DTYPE, group: 'text-enc-dtype' }),
  ),
  { name: 'force-channels-last', arity: 'flag', help: 'Channels-last memory format.', ignored: TORCH },
  { name: 'directml', arity: 'optional', type: 'int', const: -1, metavar: 'DIRECTML_DEVICE', help: 'Use torch-directml.', ignored: TORCH },
  { name: 'oneapi-device-selector', arity: 'one', metavar: 'SELECTOR_STRING', help: 'Intel oneAPI device selector.', ignored: TORCH },
  { name: 'disable-ipex-optimize', arity: 'flag', help: 'Skip IPEX optimisation.', ignored: TORCH },
  { name: 'supports-fp8-compute', arity: 'flag', help: 'Assume fp8 compute support.', ignored: DTYPE },
  { name: 'preview-method', arity: 'one', choices: ['none', 'auto', 'latent2rgb', 'taesd'], default: 'none', metavar: '[none,auto,latent2rgb,taesd]', help: 'Latent preview method.' },
  { name: 'preview-size', arity: 'one', type: 'int', default: 512, help: 'Maximum side of preview images.' },
  { name: 'cache-classic', arity: 'flag', help: 'Classic caching (the default).', group: 'cache' },
  { name: 'cache-lru', arity: 'one', type: 'int', default: 0, help: 'LRU cache of N node results.', group: 'cache' },
  { name: 'cache-none', arity: 'flag', help: 'No caching between runs.', group: 'cache' },
  { name: 'cache-ram', arity: 'optional', type: 'float', default: 0, const: 4.0, metavar: 'GB', help: 'RAM-pressure cache with GB headroom.', group: 'cache' },
  ...['use-split-cross-attention', 'use-quad-cross-attention', 'use-pytorch-cross-attention', 'use-sage-attention', 'use-flash-attention'].map(
    (name): OptionSpec => ({ name, arity: 'flag', help: 'Attention implementation.', ignored: ATTENTION, group: 'attention' }),
  ),
  { name: 'disable-xformers', arity: 'flag', help: 'Do not use xformers.', ignored: ATTENTION },
  { name: 'force-upcast-attention', arity: 'flag', help: 'Upcast attention.', ignored: ATTENTION, group: 'upcast' },
  { name: 'dont-upcast-attention', arity: 'flag', help: 'Do not upcast attention.', ignored: ATTENTION, group: 'upcast' },
  ...['gpu-only', 'highvram', 'normalvram', 'lowvram', 'novram'].map(
    (m): OptionSpec => ({ name: m, arity: 'flag', help: `Memory strategy ${m}.`, ignored: TORCH, group: 'vram' }),
  ),
  { name: 'cpu', arity: 'flag', help: 'Run everything on the CPU.', group: 'vram' },
  { name: 'reserve-vram', arity: 'one', type: 'float', metavar: 'RESERVE_VRAM', help: 'VRAM in GB to keep free.', ignored: TORCH },
  { name: 'async-offload', arity: 'optional', type: 'int', const: 2, metavar: 'NUM_STREAMS', help: 'Asynchronous weight offloading.', ignored: TORCH },
  { name: 'disable-async-offload', arity: 'flag', help: 'Disable asynchronous offloading.', ignored: TORCH },
  { name: 'force-non-blocking', arity: 'flag', help: 'Non-blocking tensor transfers.', ignored: TORCH },
  { name: 'default-hashing-function', arity: 'one', choices: ['md5', 'sha1', 'sha256', 'sha512'], default: 'sha256', help: 'Hash used to detect duplicate uploads.', ignored: 'uploads are compared with sha256' },
  { name: 'disable-smart-memory', arity: 'flag', help: 'Unload models after every prompt.', ignored: TORCH },
  { name: 'deterministic', arity: 'flag', help: 'Deterministic algorithms.', ignored: TORCH },
  { name: 'fast', arity: 'any', choices: PERFORMANCE_FEATURES, choiceType: 'PerformanceFeature', const: [...PERFORMANCE_FEATURES], metavar: 'FAST', help: 'Unsafe speed-ups.', ignored: TORCH },
  { name: 'mmap-torch-files', arity: 'flag', help: 'mmap .ckpt/.pt files.', ignored: NOT_YET },
  { name: 'disable-mmap', arity: 'flag', help: 'Do not mmap safetensors.', ignored: NOT_YET },
  { name: 'disable-pinned-memory', arity: 'flag', help: 'Disable pinned memory.', ignored: TORCH },
  { name: 'dont-print-server', arity: 'flag', help: 'Do not print the server address at start-up.' },
  { name: 'quick-test-for-ci', arity: 'flag', help: 'Exit after start-up (CI smoke test).' },
  { name: 'windows-standalone-build', arity: 'flag', help: 'Portable build conveniences.', ignored: NOT_YET },
  { name: 'disable-metadata', arity: 'flag', help: 'Do not embed the prompt and workflow in saved files.' },
  { name: 'disable-all-custom-nodes', arity: 'flag', help: 'Do not load custom nodes.' },
  { name: 'whitelist-custom-nodes', arity: 'many-last', default: [], metavar: 'WHITELIST_CUSTOM_NODES', help: 'Custom node folders still loaded with --disable-all-custom-nodes.' },
  { name: 'disable-api-nodes', arity: 'flag', help: 'No API nodes; adds a Content-Security-Policy header.' },
  { name: 'multi-user', arity: 'flag', help: 'Per-user storage selected by the comfy-user header.' },
  { name: 'verbose', arity: 'optional', choices: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'], default: 'INFO', const: 'DEBUG', metavar: 'LEVEL', help: 'Log level.' },
  { name: 'log-stdout', arity: 'flag', help: 'Send normal logs to stdout (errors still to stderr).' },
  { name: 'front-end-version', arity: 'one', default: 'comfyanonymous/ComfyUI@latest', metavar: 'OWNER/REPO@VERSION', help: 'Frontend release to download.', ignored: 'use --front-end-root' },
  { name: 'front-end-root', arity: 'one', type: 'directory', metavar: 'DIR', help: 'Serve the web UI from this folder.' },
  { name: 'user-directory', arity: 'one', type: 'directory', metavar: 'DIR', help: 'User data directory.' },
  { name: 'enable-compress-response-body', arity: 'flag', help: 'Gzip JSON and text responses.' },
  { name: 'comfy-api-base', arity: 'one', default: 'https://api.comfy.org', metavar: 'URL', help: 'Base URL of API nodes.', ignored: 'comfy-ts has no API nodes' },
  { name: 'database-url', arity: 'one', metavar: 'URL', help: 'Database location.', ignored: 'comfy-ts uses no database' },
  { name: 'enable-manager', arity: 'flag', help: 'Load ComfyUI-Manager.', ignored: 'ComfyUI-Manager is a Python package' },
  { name: 'disable-manager-ui', arity: 'flag', help: 'Manager without its UI.', ignored: 'ComfyUI-Manager is a Python package', group: 'manager-ui' },
  { name: 'enable-manager-legacy-ui', arity: 'flag', help: "Manager's legacy UI.", ignored: 'ComfyUI-Manager is a Python package', group: 'manager-ui' },
  {
    name: 'http-processes',
    arity: 'one',
    type: 'int',
    metavar: 'N',
    help: 'Processes beside the main one that serve connections opening with POST /prompt (parsed and validated there, queued in the main one). Default: one per CPU core beyond the first, at most 3 (none on Windows); 0 for none.',
  },
  { name: 'max-queue-size', arity: 'one', type: 'int', default: 65536, help: 'POST /api/v1/prompts answers 429 beyond this many queued prompts.' },
];
