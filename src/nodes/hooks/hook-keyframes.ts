// HOOK_KEYFRAMES (comfy/hooks.py HookKeyframeGroup): strength multipliers scheduled over sampling progress. A group
// keeps its keyframes sorted by start_percent (stable: equal percents keep their insertion order).
export interface HookKeyframe {
  strength: number;
  start_percent: number;
  /** Steps the keyframe stays active even when the schedule has moved past it. */
  guarantee_steps: number;
}

export class HookKeyframeGroup {
  keyframes: HookKeyframe[] = [];

  add(keyframe: HookKeyframe): void {
    this.keyframes = [...this.keyframes, keyframe].sort((a, b) => a.start_percent - b.start_percent);
  }

  clone(): HookKeyframeGroup {
    const c = new HookKeyframeGroup();
    c.keyframes = this.keyframes.map((k) => ({ ...k }));
    return c;
  }
}

export const INTERPOLATIONS = ['linear', 'ease_in', 'ease_out', 'ease_in_out'] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

const f32 = Math.fround;

/** torch.linspace in float32: the first half counts up from `from`, the second half down from `to`. */
export function linspace32(from: number, to: number, length: number): number[] {
  if (length === 1) return [f32(from)];
  const start = f32(from);
  const end = f32(to);
  const step = f32(f32(end - start) / (length - 1));
  const half = Math.floor(length / 2);
  return Array.from({ length }, (_, i) => (i < half ? f32(start + f32(step * i)) : f32(end - f32(step * (length - i - 1)))));
}

/** `InterpolationMethod.get_weights`: `length` values from `from` to `to` along the chosen easing curve. */
export function interpolationWeights(from: number, to: number, length: number, method: Interpolation): number[] {
  if (method === 'linear') return linspace32(from, to, length);
  const diff = to - from;
  const index = linspace32(0, 1, length);
  const ease = {
    ease_in: (x: number) => f32(x * x),
    ease_out: (x: number) => f32(1 - f32(f32(1 - x) ** 2)),
    ease_in_out: (x: number) => f32(f32(1 - f32(Math.cos(f32(x * f32(Math.PI))))) / 2),
  }[method];
  return index.map((x) => f32(f32(diff * ease(x)) + from));
}
