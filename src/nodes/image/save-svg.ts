// SaveSVGNode (comfy_extras/nodes_images.py): writes each SVG document of an SVG value as
// `<prefix>_<counter:05>_.svg`, with the prompt and extra_pnginfo as an indented JSON <metadata> CDATA block
// after every opening <svg …> tag; UI `images`.
import path from 'node:path';
import type { NodeDefinition } from '../node-definition.ts';
import { pythonJsonDumps } from '../../python/json-dumps.ts';
import { planSave, rememberSaved } from '../../imaging/save-path.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import { requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Socket, v3String } from '../utils/v3-io.ts';

/** The SVG value type (ComfyUI's `SVG`: a list of SVG documents). */
export interface SvgValue {
  data: (Buffer | string)[];
}

function requireSvg(value: unknown): SvgValue {
  const data = (value as SvgValue | null)?.data;
  if (!Array.isArray(data) || !data.every((d) => typeof d === 'string' || Buffer.isBuffer(d))) {
    throw new Error('svg must be an SVG value ({data: [svg documents]})');
  }
  return value as SvgValue;
}

export const saveSvgNode: NodeDefinition = {
  name: 'SaveSVGNode',
  schemaFormat: 'v3',
  description: 'Save SVG files on disk.',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image/save',
  inputs: {
    required: {
      svg: v3Socket('SVG'),
      filename_prefix: v3String({
        default: 'svg/ComfyUI',
        tooltip: 'The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.',
      }),
    },
    hidden: { ...V3_OUTPUT_HIDDEN },
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const svg = requireSvg(inputs.svg);
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'svg/ComfyUI');
    const plan = planSave(prefix, ctx.services.paths.outputDir, svg.data.length, 'svg', { batchNum: true, resolveInside: (root, rel) => ctx.services.paths.resolveInside(root, rel) });
    const { target, names } = plan;
    const metadata: Record<string, unknown> = {};
    if (inputs.prompt !== undefined && inputs.prompt !== null) metadata.prompt = inputs.prompt;
    if (inputs.extra_pnginfo && typeof inputs.extra_pnginfo === 'object') Object.assign(metadata, inputs.extra_pnginfo);
    // ComfyUI writes this block whatever --disable-metadata says.
    const json = Object.keys(metadata).length > 0 ? pythonJsonDumps(metadata, { indent: 2 }) : null;
    const element = json && `  <metadata>\n                <![CDATA[\n            ${json}\n                ]]>\n            </metadata>\n            `;
    const images = [];
    for (const [i, doc] of svg.data.entries()) {
      const file = names[i]!;
      let content = typeof doc === 'string' ? doc : doc.toString('utf8');
      if (element) content = content.replace(/(<svg[^>]*>)/gu, (tag) => `${tag}\n${element}`);
      await writeFileAtomic(path.join(target.fullOutputFolder, file), Buffer.from(content, 'utf8'));
      images.push({ filename: file, subfolder: target.subfolder, type: 'output' });
    }
    rememberSaved(plan);
    return { ui: { images } };
  },
};
