// `validate_prompt` (execution.md §2, changes-0.8.0.md §3): whole-prompt checks, then each output node's inputs
// and, through links, its ancestors. ComfyUI recurses; this walks an explicit stack so 1,000-node chains and cycles
// cannot overflow. The memo table's insertion order (post-order) is what `node_errors` and its famously shared
// `dependent_outputs` are built from, so it is kept exactly.
import type { NodeDefinition, NodeServices } from '../nodes/node-definition.ts';
import type { NodeRegistry } from '../nodes/registry.ts';
import type { ErrorBody, NodeErrors } from './engine-api.ts';
import { coerceForType } from './coerce.ts';
import { describeException, exceptionMessage } from './error-report.ts';
import { nodeShape, type NodeShape } from './dynamic-inputs.ts';
import { returnTypes, type InputInfo } from './node-schema.ts';
import { PyException, isPlainObject, pyEquals, pyGreater, pyIndex, pyLess, pyRepr } from '../python/values.ts';
import { orderedKeys } from '../python/dict-order.ts';
import { typesCompatible } from './type-compat.ts';
import { inputErrors, promptErrors, type InputConfig } from './validation-errors.ts';
import { runCustomValidation, validationTakes, type Takes } from './validate-custom.ts';

export interface ValidationResult {
  ok: boolean;
  error: ErrorBody | null;
  /** Ids of the valid output nodes, in prompt order. */
  outputs: string[];
  nodeErrors: NodeErrors;
}

interface Verdict {
  valid: boolean;
  errors: ErrorBody[];
}

/** One node being validated: where it is in its declared inputs and what it has found so far. */
interface Frame {
  id: string;
  started: boolean;
  def: NodeDefinition;
  inputs: Record<string, unknown>;
  shape: NodeShape;
  declared: readonly [string, InputInfo][];
  index: number;
  errors: ErrorBody[];
  valid: boolean;
  takes: Takes;
  receivedTypes: Record<string, unknown>;
  /** The linked source being validated, to attribute an exception it raises. */
  waiting: { name: string; config: InputConfig; link: unknown; child: string } | null;
}

type Prompt = Record<string, unknown>;

function nodeOf(prompt: Prompt, id: unknown): Record<string, unknown> {
  if (typeof id !== 'string' || !Object.hasOwn(prompt, id)) throw new PyException('KeyError', pyRepr(id));
  return prompt[id] as Record<string, unknown>;
}

class PromptValidator {
  /** `validated` in ComfyUI: verdicts in the order nodes finished (or failed). */
  readonly memo = new Map<string, Verdict>();
  /** Errors found for a node while it is still being validated (a cycle back to it). */
  private readonly earlyErrors = new Map<string, ErrorBody[]>();

  constructor(
    private readonly registry: NodeRegistry,
    private readonly prompt: Prompt,
    private readonly services: NodeServices | undefined,
  ) {}

  private frame(id: string): Frame {
    return {
      id,
      started: false,
      def: undefined as unknown as NodeDefinition,
      inputs: {},
      shape: undefined as unknown as NodeShape,
      declared: [],
      index: 0,
      errors: [],
      valid: true,
      takes: null,
      receivedTypes: {},
      waiting: null,
    };
  }

  private start(f: Frame): void {
    const node = nodeOf(this.prompt, f.id);
    if (!Object.hasOwn(node, 'inputs')) throw new PyException('KeyError', "'inputs'");
    if (!isPlainObject(node.inputs)) throw new PyException('TypeError', `node ${f.id} has inputs that are not an object`);
    f.inputs = node.inputs;
    f.def = this.registry.get(node.class_type as string)!;
    f.shape = nodeShape(f.def, f.inputs, this.services);
    f.declared = f.shape.declared();
    f.takes = validationTakes(f.def);
    f.started = true;
  }

  private skipsBuiltInChecks(f: Frame, name: string): boolean {
    return f.takes === 'all' || (f.takes !== null && f.takes.has(name));
  }

  /** Checks inputs from where the frame stopped; returns a source id to validate first, or null when done. */
  private advance(f: Frame): string | null {
    if (!f.started) this.start(f);
    for (; f.index < f.declared.length; f.index++) {
      const [name, info] = f.declared[f.index]!;
      if (!Object.hasOwn(f.inputs, name)) {
        if (info.category === 'required') {
          const details = f.def.schemaFormat === 'v3' ? name.split('.').at(-1)! : name;
          f.errors.push(inputErrors.requiredMissing(name, details));
        }
        continue;
      }
      const value = f.inputs[name];
      const child = Array.isArray(value)
        ? this.checkLink(f, name, [info.type(), info.options()], value)
        : this.checkConstant(f, name, info, value);
      if (child !== null) {
        f.index++;
        return child;
      }
    }
    return null;
  }

  private checkLink(f: Frame, name: string, config: InputConfig, link: unknown[]): string | null {
    if (link.length !== 2) {
      f.errors.push(inputErrors.badLink(name, config, link));
      return null;
    }
    const source = nodeOf(this.prompt, link[0]);
    const received = pyIndex(returnTypes(this.registry.get(source.class_type as string)!), link[1]);
    f.receivedTypes[name] = received;
    const checksTypes = f.takes === null || f.takes === 'all' || !f.takes.has('input_types');
    if (checksTypes && !typesCompatible(received, config[0])) {
      f.errors.push(inputErrors.typeMismatch(name, config, received, link));
      return null;
    }
    const child = link[0] as string;
    const known = this.memo.get(child);
    if (known) {
      if (!known.valid) f.valid = false;
      return null;
    }
    f.waiting = { name, config, link, child };
    return child;
  }

  private checkConstant(f: Frame, name: string, info: InputInfo, raw: unknown): null {
    let value = raw;
    if (isPlainObject(value) && Object.hasOwn(value, '__value__')) {
      value = value.__value__;
      f.inputs[name] = value;
    }
    // A computed type is a list of files (a combo): not coerced, and when the node validates it itself there is
    // nothing left to check, so the folder is not listed for every submission.
    if (info.computedType && this.skipsBuiltInChecks(f, name)) return null;
    const config: InputConfig = [info.type(), info.options()];
    const [type, options] = config;
    try {
      const coerced = coerceForType(type, value);
      if (coerced) {
        value = coerced.value;
        f.inputs[name] = value;
      }
    } catch (err) {
      f.errors.push(inputErrors.invalidType(name, config, value, exceptionMessage(err)));
      return null;
    }
    if (this.skipsBuiltInChecks(f, name)) return null;
    if (options.min !== undefined && pyLess(value, options.min)) {
      f.errors.push(inputErrors.belowMin(name, config, value, options.min));
    } else if (options.max !== undefined && pyGreater(value, options.max)) {
      f.errors.push(inputErrors.aboveMax(name, config, value, options.max));
    } else if (Array.isArray(type) || type === 'COMBO') {
      const choices = Array.isArray(type) ? type : Array.isArray(options.options) ? (options.options as unknown[]) : [];
      if (!choices.some((c) => pyEquals(c, value))) f.errors.push(inputErrors.notInList(name, config, value, choices));
    }
    return null;
  }

  /** The node's own validation, when it has one (the only step that may have to wait). */
  private async validateCustom(f: Frame, takes: Exclude<Takes, null>): Promise<void> {
    const custom = await runCustomValidation(f.def, f.shape, f.id, f.inputs, takes, f.receivedTypes, this.services);
    f.errors.push(...custom);
  }

  private finish(f: Frame): void {
    const early = this.earlyErrors.get(f.id) ?? [];
    this.memo.set(f.id, { valid: f.valid && early.length === 0 && f.errors.length === 0, errors: [...early, ...f.errors] });
  }

  /** `validate_inputs(root)`; throws what validating the root itself raised. */
  async validate(root: string): Promise<Verdict> {
    const known = this.memo.get(root);
    if (known) return known;
    const stack: Frame[] = [this.frame(root)];
    const onStack = new Set([root]);
    while (stack.length > 0) {
      const f = stack.at(-1)!;
      try {
        if (f.waiting) {
          if (!this.memo.get(f.waiting.child)?.valid) f.valid = false;
          f.waiting = null;
        }
        const child = this.advance(f);
        if (child === null) {
          if (f.takes !== null) await this.validateCustom(f, f.takes);
          this.finish(f);
          stack.pop();
          onStack.delete(f.id);
        } else if (onStack.has(child)) {
          this.recordCycle(f, child);
        } else {
          stack.push(this.frame(child));
          onStack.add(child);
        }
      } catch (err) {
        stack.pop();
        onStack.delete(f.id);
        const parent = stack.at(-1);
        if (!parent) throw err;
        const w = parent.waiting!;
        this.memo.set(f.id, { valid: false, errors: [inputErrors.innerException(w.name, w.config, describeException(err, 'PromptValidator.validate'), w.link)] });
        parent.valid = false;
        parent.waiting = null;
      }
    }
    return this.memo.get(root)!;
  }

  /** ComfyUI overflows its recursion on a cycle; report it as that exception, on the node the cycle returns to. */
  private recordCycle(f: Frame, child: string): void {
    const w = f.waiting!;
    const ex = { type: 'RecursionError', message: 'maximum recursion depth exceeded (dependency cycle)', traceback: [] };
    const list = this.earlyErrors.get(child) ?? [];
    list.push(inputErrors.innerException(w.name, w.config, ex, w.link));
    this.earlyErrors.set(child, list);
    f.valid = false;
    f.waiting = null;
  }
}

function wholePromptCheck(
  registry: NodeRegistry,
  prompt: Prompt,
  targets: readonly unknown[] | null,
): { error: ErrorBody } | { outputs: string[] } {
  const outputs: string[] = [];
  for (const id of orderedKeys(prompt)) { // the sent order: the first bad node is the one reported
    const node = prompt[id];
    if (!isPlainObject(node) || !Object.hasOwn(node, 'class_type')) return { error: promptErrors.missingClassType(id) };
    const def = typeof node.class_type === 'string' ? registry.get(node.class_type) : undefined;
    if (!def) return { error: promptErrors.unknownClass(id, node.class_type) };
    if (def.outputNode === true && (targets === null || targets.includes(id))) outputs.push(id);
  }
  return outputs.length === 0 ? { error: promptErrors.noOutputs() } : { outputs };
}

/** Validates a prompt, writing the coerced constants back into it (they are what runs and what is stored). */
export async function validatePrompt(
  registry: NodeRegistry,
  prompt: Prompt,
  targets: readonly unknown[] | null,
  log: (line: string) => void = () => {},
  services: NodeServices | undefined = registry.services,
): Promise<ValidationResult> {
  const head = wholePromptCheck(registry, prompt, targets);
  if ('error' in head) return { ok: false, error: head.error, outputs: [], nodeErrors: {} };

  const validator = new PromptValidator(registry, prompt, services);
  const good: string[] = [];
  const failures: [string, ErrorBody[]][] = [];
  const nodeErrors: NodeErrors = {};
  for (const output of head.outputs) {
    let verdict: Verdict;
    try {
      verdict = await validator.validate(output);
    } catch (err) {
      verdict = { valid: false, errors: [inputErrors.exception(describeException(err, 'validatePrompt'))] };
      validator.memo.set(output, verdict);
    }
    if (verdict.valid) {
      good.push(output);
      continue;
    }
    failures.push([output, verdict.errors]);
    log(`Failed to validate prompt for output ${output}:`);
    for (const [id, v] of validator.memo) {
      if (v.valid || v.errors.length === 0) continue;
      const classType = String((prompt[id] as Record<string, unknown>).class_type);
      if (!nodeErrors[id]) {
        nodeErrors[id] = { errors: v.errors, dependent_outputs: [], class_type: classType };
        log(`* ${classType} ${id}:`);
        for (const e of v.errors) log(`  - ${e.message}: ${e.details}`);
      }
      nodeErrors[id]!.dependent_outputs.push(output);
    }
    log('Output will be ignored');
  }
  if (good.length === 0) {
    const details = failures.flatMap(([, errors]) => errors.map((e) => `${e.message}: ${e.details}`)).join('\n');
    return { ok: false, error: promptErrors.outputsFailed(details), outputs: [], nodeErrors };
  }
  return { ok: true, error: null, outputs: good, nodeErrors };
}
