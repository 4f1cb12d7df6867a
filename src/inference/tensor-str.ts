// torch's `str(tensor)` for a float32 tensor with the default print options (torch/_tensor_str.py): what ComfyUI
// shows for a tensor, e.g. in an execution error's `current_inputs` or in PreviewAny. Over 1,000 values, each axis
// longer than 6 shows its first and last 3 entries around `...`, and the number format is chosen from those alone.

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/** The format torch picks for a set of values: integers (`3.`), fixed (`0.1429`) or scientific (`1.0000e-05`). */
class ValueFormat {
  readonly mode: 'int' | 'fixed' | 'sci' = 'int'; // what torch keeps when no value is finite and non-zero
  readonly width: number = 1;

  constructor(values: readonly number[]) {
    const shown = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (shown.length === 0) return;
    const magnitudes = shown.map(Math.abs);
    const min = Math.min(...magnitudes);
    const max = Math.max(...magnitudes);
    const integral = shown.every((v) => v === Math.ceil(v));
    const wide = max / min > 1000 || max > 1e8;
    this.mode = integral ? (wide ? 'sci' : 'int') : wide || min < 1e-4 ? 'sci' : 'fixed';
    // The width counts only the values that decided the format; `int` leaves room for the trailing dot.
    this.width = Math.max(1, ...shown.map((v) => this.text(v).length));
  }

  private text(v: number): string {
    if (this.mode === 'sci') return pyExponential(v, PRECISION);
    if (this.mode === 'int') return Number.isFinite(v) ? `${pyFixed(v, 0)}.` : pyFixed(v, 0);
    return pyFixed(v, PRECISION);
  }

  format(v: number): string {
    return this.text(v).padStart(this.width);
  }
}

/** Python's `f"{v:.{digits}f}"`: ties to even on the exact binary value, `-0.0000`, `nan`, `inf`. */
function pyFixed(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const text = Math.abs(v).toFixed(digits);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  return sign + (isExactTie(Math.abs(v) * 10 ** digits, Math.abs(v), digits) ? toEven(text) : text);
}

/** Python's `f"{v:.{digits}e}"`: a two-digit exponent at least, ties to even. */
function pyExponential(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const [mantissa, exponent] = Math.abs(v).toExponential(digits).split('e') as [string, string];
  const exp = Number(exponent);
  const tie = v !== 0 && isExactTie(Math.abs(v) * 10 ** (digits - exp), Math.abs(v), digits - exp);
  const m = tie ? toEven(mantissa) : mantissa;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * True when `x · 10^shift` lies exactly halfway between two integers (JavaScript then rounds away from zero, Python
 * to even). `scaled` is that product in floating point, used to skip the exact check when it is clearly no tie.
 */
function isExactTie(scaled: number, x: number, shift: number): boolean {
  if (Math.abs(scaled - Math.trunc(scaled) - 0.5) > 1e-6 * Math.max(1, scaled)) return false;
  // x = mantissa · 2^exponent exactly; compare 2 · x · 10^shift with an odd integer.
  const bits = new DataView(new Float64Array([x]).buffer).getBigUint64(0, true);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & ((1n << 52n) - 1n)) | (biased === 0 ? 0n : 1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  let num = 2n * mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  return num % den === 0n && (num / den) % 2n === 1n;
}

/** A decimal text rounded up at a tie, brought down to its even neighbour when the last digit is odd. */
function toEven(text: string): string {
  const last = Number(text.at(-1));
  if (last % 2 === 0) return text;
  const digits = text.replace('.', '');
  const lowered = (BigInt(digits) - 1n).toString().padStart(digits.length, '0');
  const dot = text.indexOf('.');
  return dot < 0 ? lowered : `${lowered.slice(0, dot)}.${lowered.slice(dot)}`;
}

/** A strided view of the data: one sub-tensor along the first axis at a time. */
interface View {
  shape: readonly number[];
  offset: number;
}

function strideOf(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/** The indices shown along an axis of this length: all, or the first and last EDGE_ITEMS. */
function shownIndices(length: number, summarize: boolean): (number | null)[] {
  if (!summarize || length <= 2 * EDGE_ITEMS) return Array.from({ length }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  return [...head, null, ...head.map((i) => length - EDGE_ITEMS + i)];
}

function shownValues(data: Float32Array, view: View, summarize: boolean, out: number[]): void {
  if (view.shape.length === 0) {
    out.push(data[view.offset]!);
    return;
  }
  const stride = strideOf(view.shape);
  for (const i of shownIndices(view.shape[0]!, summarize)) {
    if (i !== null) shownValues(data, { shape: view.shape.slice(1), offset: view.offset + i * stride }, summarize, out);
  }
}

function vectorText(data: Float32Array, view: View, indent: number, summarize: boolean, format: ValueFormat): string {
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (format.width + 2)));
  const items = shownIndices(view.shape[0]!, summarize).map((i) => (i === null ? ' ...' : format.format(data[view.offset + i]!)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
}

function tensorText(data: Float32Array, view: View, indent: number, summarize: boolean, format: ValueFormat): string {
  const rank = view.shape.length;
  if (rank === 0) return format.format(data[view.offset]!);
  if (rank === 1) return vectorText(data, view, indent, summarize, format);
  const stride = strideOf(view.shape);
  const rows = shownIndices(view.shape[0]!, summarize).map((i) =>
    i === null ? '...' : tensorText(data, { shape: view.shape.slice(1), offset: view.offset + i * stride }, indent + 1, summarize, format),
  );
  return `[${rows.join(',' + '\n'.repeat(rank - 1) + ' '.repeat(indent + 1))}]`;
}

export function torchStr(shape: readonly number[], data: Float32Array): string {
  const prefix = 'tensor(';
  if (data.length === 0) {
    // torch names the size of an empty tensor that is not 1-D.
    return shape.length === 1 ? `${prefix}[])` : `${prefix}[], size=(${shape.join(', ')}))`;
  }
  const summarize = data.length > THRESHOLD;
  const values: number[] = [];
  shownValues(data, { shape, offset: 0 }, summarize, values);
  return `${prefix}${tensorText(data, { shape, offset: 0 }, prefix.length, summarize, new ValueFormat(values))})`;
}
