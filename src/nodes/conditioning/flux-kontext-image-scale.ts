// FluxKontextImageScale (comfy_extras/nodes_flux.py): resizes an IMAGE (Lanczos, centre crop) to the Flux Kontext
// training resolution whose aspect ratio is closest to the image's.
import { upscaleImage } from '../../imaging/resize.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireImage } from '../utils/node-args.ts';
import { v3Socket } from '../utils/v3-io.ts';

/** (width, height) pairs Flux Kontext was trained at. */
const KONTEXT_RESOLUTIONS: readonly (readonly [number, number])[] = [
  [672, 1568], [688, 1504], [720, 1456], [752, 1392], [800, 1328], [832, 1248], [880, 1184], [944, 1104], [1024, 1024],
  [1104, 944], [1184, 880], [1248, 832], [1328, 800], [1392, 752], [1456, 720], [1504, 688], [1568, 672],
];

/** min over (|aspect − w/h|, w, h): ties go to the smaller width, as Python's tuple comparison does. */
export function closestKontextResolution(width: number, height: number): readonly [number, number] {
  const aspect = width / height;
  let best = KONTEXT_RESOLUTIONS[0]!;
  for (const candidate of KONTEXT_RESOLUTIONS) {
    const d = Math.abs(aspect - candidate[0] / candidate[1]);
    const bestD = Math.abs(aspect - best[0] / best[1]);
    if (d < bestD || (d === bestD && candidate[0] < best[0])) best = candidate;
  }
  return best;
}

export const fluxKontextImageScale: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_flux',
  category: 'advanced/conditioning/flux',
  name: 'FluxKontextImageScale',
  description: 'This node resizes the image to one that is more optimal for flux kontext.',
  inputs: { required: { image: v3Socket('IMAGE') } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const [width, height] = closestKontextResolution(image.shape[2]!, image.shape[1]!);
    return [upscaleImage(image, width, height, 'lanczos', 'center')];
  },
};
