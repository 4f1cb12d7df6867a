// Image combos with `image_upload` (LoadImage): an upload button that posts the chosen file to `/upload/image`
// (it lands in input/), adds it to the choices and selects it; the node shows the selected image.
import type { LGraphNode } from '@comfyorg/litegraph';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';
import { api, viewUrl } from '../api/client.ts';
import { setNodeImages } from './node-images.ts';

export type UploadImage = (file: File) => Promise<{ name: string; subfolder: string }>;

/** `/view` URL of an input-folder combo value such as `photo.png` or `sub/photo.png`. */
export function inputImageUrl(value: string): string {
  const slash = value.lastIndexOf('/');
  return viewUrl({ filename: value.slice(slash + 1), subfolder: slash < 0 ? '' : value.slice(0, slash), type: 'input' });
}

export function showSelectedImage(node: LGraphNode, combo: IBaseWidget): void {
  setNodeImages(node, combo.value ? [inputImageUrl(String(combo.value))] : []);
}

/** Uploads a file for this combo and selects it. */
export async function uploadInto(node: LGraphNode, combo: IBaseWidget, file: File, upload: UploadImage = api.uploadImage): Promise<string> {
  const { name, subfolder } = await upload(file);
  const value = subfolder ? `${subfolder}/${name}` : name;
  const values = (combo.options as { values: string[] }).values;
  if (!values.includes(value)) values.push(value);
  combo.value = value;
  showSelectedImage(node, combo);
  return value;
}

function pickFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = Object.assign(document.createElement('input'), { type: 'file', accept: 'image/*' });
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null));
    input.click();
  });
}

export function addImageUpload(node: LGraphNode, combo: IBaseWidget): IBaseWidget {
  const previousCallback = combo.callback;
  combo.callback = (value: unknown, ...rest: unknown[]) => {
    (previousCallback as ((...args: unknown[]) => void) | undefined)?.(value, ...rest);
    showSelectedImage(node, combo);
  };
  // Its value is the folder kind, as ComfyUI's workflows store it ("image").
  const button = node.addWidget('button', 'upload', 'image', () => {
    void pickFile().then((file) => file && uploadInto(node, combo, file).catch((err) => alert(`Upload failed: ${err.message}`)));
  });
  button.label = 'choose file to upload';
  return button;
}
