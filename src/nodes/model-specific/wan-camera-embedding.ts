// WanCameraEmbedding (comfy_extras/nodes_camera_trajectory.py): a preset camera motion becomes per-frame
// camera-to-world poses, and each pixel's viewing ray (origin o, unit direction d) becomes the 6-channel Plücker
// embedding (o × d, d) (Sitzmann et al. 2021, as in CameraCtrl). The first frame is repeated 4 times and every 4
// consecutive frames are folded into channels, so the result is [1, 24, (length + 3) / 4, height, width] with
// channel c·4 + k holding Plücker channel c of frame 4g + k.
import type { NodeDefinition } from '../node-definition.ts';
import type { Tensor } from '../../inference/tensor.ts';
import { allocTensor, MAX_RESOLUTION, requireChoice, requireInt, requireNumber } from '../utils/node-args.ts';
import { v3Combo, v3Float, v3Int } from '../utils/v3-io.ts';

type Vec3 = [number, number, number];

/** Rotation angles (in units of the base angle π/3) and translation (in units of 1.5) reached at full speed. */
const CAMERA_POSES: Record<string, { angle: Vec3; t: Vec3 }> = {
  'Static': { angle: [0, 0, 0], t: [0, 0, 0] },
  'Pan Up': { angle: [0, 0, 0], t: [0, -1, 0] },
  'Pan Down': { angle: [0, 0, 0], t: [0, 1, 0] },
  'Pan Left': { angle: [0, 0, 0], t: [-1, 0, 0] },
  'Pan Right': { angle: [0, 0, 0], t: [1, 0, 0] },
  'Zoom In': { angle: [0, 0, 0], t: [0, 0, 2] },
  'Zoom Out': { angle: [0, 0, 0], t: [0, 0, -2] },
  'Anti Clockwise (ACW)': { angle: [0, 0, -1], t: [0, 0, 0] },
  'ClockWise (CW)': { angle: [0, 0, 1], t: [0, 0, 0] },
};
const POSE_NAMES = Object.keys(CAMERA_POSES);
const BASE_ANGLE = Math.PI / 3;
const BASE_T_NORM = 1.5;
/** The aspect ratio the trajectories were authored for (1280×720); the focal length is rescaled to the target's. */
const POSE_ASPECT = 1280 / 720;
const FRAMES_PER_GROUP = 4;
const PLUCKER_CHANNELS = 6;

/** Row-major 3×3 rotation Rz·Ry·Rx plus translation: the camera-to-world pose of one frame. */
interface Pose { r: number[]; t: Vec3 }

function framePose(angle: Vec3, t: Vec3, fraction: number): Pose {
  const [ax, ay, az] = angle.map((a) => fraction * BASE_ANGLE * a) as Vec3;
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  return {
    r: [
      cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx,
      sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx,
      -sy, cy * sx, cy * cx,
    ],
    t: t.map((v) => fraction * BASE_T_NORM * v) as Vec3,
  };
}

interface Intrinsics { fx: number; fy: number; cx: number; cy: number }

/** Pixel intrinsics [fx, fy, cx, cy] after fitting the authored aspect ratio into width × height. */
function intrinsics(width: number, height: number, fx: number, fy: number, cx: number, cy: number): Intrinsics {
  if (POSE_ASPECT > width / height) fx = (height * POSE_ASPECT * fx) / width;
  else fy = ((width / POSE_ASPECT) * fy) / height;
  return { fx: Math.fround(fx * width), fy: Math.fround(fy * height), cx: Math.fround(cx * width), cy: Math.fround(cy * height) };
}

export const wanCameraEmbedding: NodeDefinition = {
  name: 'WanCameraEmbedding',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_camera_trajectory',
  category: 'camera',
  inputs: {
    required: {
      camera_pose: v3Combo(POSE_NAMES, { default: 'Static' }),
      width: v3Int({ default: 832, min: 16, max: MAX_RESOLUTION, step: 16 }),
      height: v3Int({ default: 480, min: 16, max: MAX_RESOLUTION, step: 16 }),
      length: v3Int({ default: 81, min: 1, max: MAX_RESOLUTION, step: 4 }),
    },
    optional: {
      speed: v3Float({ default: 1.0, min: 0, max: 10.0, step: 0.1 }),
      fx: v3Float({ default: 0.5, min: 0, max: 1, step: 0.000000001 }),
      fy: v3Float({ default: 0.5, min: 0, max: 1, step: 0.000000001 }),
      cx: v3Float({ default: 0.5, min: 0, max: 1, step: 0.01 }),
      cy: v3Float({ default: 0.5, min: 0, max: 1, step: 0.01 }),
    },
  },
  outputs: [
    { type: 'WAN_CAMERA_EMBEDDING', name: 'camera_embedding' },
    { type: 'INT', name: 'width' },
    { type: 'INT', name: 'height' },
    { type: 'INT', name: 'length' },
  ],
  execute(inputs) {
    const pose = CAMERA_POSES[requireChoice('camera_pose', inputs.camera_pose, POSE_NAMES)]!;
    const width = requireInt('width', inputs.width, 16, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 16, MAX_RESOLUTION);
    const length = requireInt('length', inputs.length, 1, MAX_RESOLUTION);
    const speed = requireNumber('speed', inputs.speed ?? 1.0, 0, 10);
    const unit = (name: string) => requireNumber(name, inputs[name] ?? 0.5, 0, 1);
    if ((length + FRAMES_PER_GROUP - 1) % FRAMES_PER_GROUP !== 0) {
      throw new Error(`length must be 1 more than a multiple of ${FRAMES_PER_GROUP} (1, 5, 9, …), got ${length}`);
    }
    const k = intrinsics(width, height, unit('fx'), unit('fy'), unit('cx'), unit('cy'));
    const groups = (length + FRAMES_PER_GROUP - 1) / FRAMES_PER_GROUP;
    const out = allocTensor([1, PLUCKER_CHANNELS * FRAMES_PER_GROUP, groups, height, width], 'camera embedding');
    for (let frame = 0; frame < length; frame++) {
      // Poses are relative to frame 0, whose pose is the identity, so each frame's own pose is already relative.
      writeFrame(out, framePose(pose.angle, pose.t, (frame / length) * speed), frame, k);
    }
    return [out, width, height, length];
  },
};

/** Writes one frame's Plücker rays into every output slot it feeds (frame 0 fills the first group's 4 slots). */
function writeFrame(out: Tensor, pose: Pose, frame: number, { fx, fy, cx, cy }: Intrinsics): void {
  const [, , groups, height, width] = out.shape as number[] as [number, number, number, number, number];
  const plane = height * width;
  const slots = frame === 0 ? [0, 1, 2, 3] : [frame + FRAMES_PER_GROUP - 1];
  const { r, t } = pose;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = (x + 0.5 - cx) / fx;
      const py = (y + 0.5 - cy) / fy;
      const norm = Math.hypot(px, py, 1);
      const [ux, uy, uz] = [px / norm, py / norm, 1 / norm];
      const d = [r[0]! * ux + r[1]! * uy + r[2]! * uz, r[3]! * ux + r[4]! * uy + r[5]! * uz, r[6]! * ux + r[7]! * uy + r[8]! * uz];
      const values = [
        t[1] * d[2]! - t[2] * d[1]!, t[2] * d[0]! - t[0] * d[2]!, t[0] * d[1]! - t[1] * d[0]!,
        d[0]!, d[1]!, d[2]!,
      ];
      const pixel = y * width + x;
      for (const slot of slots) {
        const g = Math.floor(slot / FRAMES_PER_GROUP);
        const k = slot % FRAMES_PER_GROUP;
        for (let c = 0; c < PLUCKER_CHANNELS; c++) out.data[((c * FRAMES_PER_GROUP + k) * groups + g) * plane + pixel] = values[c]!;
      }
    }
  }
}
