// Builds what a node's `execute` needs outside the engine: real folders in a fresh temp base directory,
// and a context that records progress calls.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeContext, NodeServices, PreviewImage } from '../../src/nodes/node-definition.ts';
import { createFolderPaths } from '../../src/storage/folder-paths.ts';

// Each test file runs in a process of its own: its base directories go when it ends.
const baseDirs: string[] = [];
process.once('exit', () => {
  for (const dir of baseDirs) rmSync(dir, { recursive: true, force: true });
});

export function makeServices(options: Partial<NodeServices['options']> = {}): NodeServices {
  const baseDir = mkdtempSync(join(tmpdir(), 'comfy-ts-test-'));
  baseDirs.push(baseDir);
  for (const dir of ['input', 'output', 'temp', 'user', 'models/checkpoints']) mkdirSync(join(baseDir, dir), { recursive: true });
  return {
    paths: createFolderPaths({ baseDir }),
    options: { disableMetadata: false, previewMethod: 'none', previewSize: 512, cpu: true, ...options },
    shared: new Map(),
  };
}

export interface RecordingContext extends NodeContext {
  progressCalls: { value: number; max: number; preview?: PreviewImage }[];
  texts: string[];
}

export function makeContext(services: NodeServices = makeServices(), nodeId = '1'): RecordingContext {
  const controller = new AbortController();
  const ctx: RecordingContext = {
    nodeId,
    displayNodeId: nodeId,
    promptId: 'test-prompt',
    services,
    prompt: {},
    extraData: {},
    progressCalls: [],
    texts: [],
    progress(value, max, preview) {
      ctx.progressCalls.push({ value, max, preview });
    },
    checkInterrupted() {},
    signal: controller.signal,
    sendText(text) {
      ctx.texts.push(text);
    },
  };
  return ctx;
}
