// The cheap parity checks (CLIP, VAE) against ComfyUI's goldens, when the SD1.5 random checkpoint is present.
// Write it with `python3 /work/shared/fidelity/make_random_checkpoint.py <path> --seed 0`; the path is
// $COMFY_TS_FIDELITY_CHECKPOINT, else /work/fidelity-cache/sd15_random_seed0.safetensors. The UNet check
// (one minute of loading) runs in `node --import tsx scripts/parity.ts`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkPart, DEFAULT_CHECKPOINT, DEFAULT_GOLDENS, formatFigure, RELATIVE_GOAL, type Part } from '../../scripts/parity.ts';
import { testRuntime } from './helpers.ts';

const missing = !existsSync(DEFAULT_CHECKPOINT)
  ? `no fidelity checkpoint at ${DEFAULT_CHECKPOINT} (see scripts/parity.ts)`
  : !existsSync(join(DEFAULT_GOLDENS, 'clip_l_hidden.safetensors')) ? `no goldens in ${DEFAULT_GOLDENS}` : false;

for (const part of ['clip', 'vae'] as Part[]) {
  test(`${part} matches ComfyUI's goldens within ${RELATIVE_GOAL} relative error`, { skip: missing }, async () => {
    const figures = await checkPart(part, DEFAULT_CHECKPOINT, DEFAULT_GOLDENS, testRuntime());
    for (const f of figures) assert.ok(f.relative <= RELATIVE_GOAL, formatFigure(f));
  });
}
