// The catalog of validation errors (execution.md §2.1, §2.3; api.md §3.4), keyed by ComfyUI's `type` strings.
// Texts are built exactly as ComfyUI's f-strings build them.
import type { ErrorBody } from './engine-api.ts';
import type { InputType } from '../nodes/node-definition.ts';
import { pyFloatRepr, pyRepr, pyStr } from '../python/values.ts';

/** `[declared_type, options]` as the errors report an input's config. */
export type InputConfig = [InputType, Record<string, unknown>];

/** Combo lists longer than this are summarised instead of echoed. */
const MAX_LISTED_OPTIONS = 20;

function body(type: string, message: string, details: string, extraInfo: Record<string, unknown> = {}): ErrorBody {
  return { type, message, details, extra_info: extraInfo };
}

/** A number printed as Python would print the value after coercion to the input's type. */
export function pyNumberText(v: unknown, inputType: unknown): string {
  if (inputType === 'FLOAT' && typeof v === 'number') return pyFloatRepr(v);
  return pyStr(v);
}

export const promptErrors = {
  noPrompt: () => body('no_prompt', 'No prompt provided', 'No prompt provided'),
  notAnObject: (what: string) => body('invalid_prompt', `Cannot execute because ${what}.`, ''),
  missingClassType: (id: string) =>
    body('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`),
  unknownClass: (id: string, classType: unknown) =>
    body('invalid_prompt', `Cannot execute because node ${pyStr(classType)} does not exist.`, `Node ID '#${id}'`),
  noOutputs: () => body('prompt_no_outputs', 'Prompt has no outputs', ''),
  outputsFailed: (details: string) => body('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details),
};

export const inputErrors = {
  requiredMissing: (name: string, details = name) =>
    body('required_input_missing', 'Required input is missing', details, { input_name: name }),

  badLink: (name: string, config: InputConfig, value: unknown) =>
    body('bad_linked_input', 'Bad linked input, must be a length-2 list of [node_id, slot_index]', name, {
      input_name: name,
      input_config: config,
      received_value: value,
    }),

  typeMismatch: (name: string, config: InputConfig, received: unknown, link: unknown) =>
    body(
      'return_type_mismatch',
      'Return type mismatch between linked nodes',
      `${name}, received_type(${pyStr(received)}) mismatch input_type(${pyStr(config[0])})`,
      { input_name: name, input_config: config, received_type: received, linked_node: link },
    ),

  invalidType: (name: string, config: InputConfig, value: unknown, exceptionMessage: string) =>
    body(
      'invalid_input_type',
      `Failed to convert an input value to a ${pyStr(config[0])} value`,
      `${name}, ${pyStr(value)}, ${exceptionMessage}`,
      { input_name: name, input_config: config, received_value: value, exception_message: exceptionMessage },
    ),

  belowMin: (name: string, config: InputConfig, value: unknown, min: unknown) =>
    body(
      'value_smaller_than_min',
      `Value ${pyNumberText(value, config[0])} smaller than min of ${pyNumberText(min, config[0])}`,
      name,
      { input_name: name, input_config: config, received_value: value },
    ),

  aboveMax: (name: string, config: InputConfig, value: unknown, max: unknown) =>
    body(
      'value_bigger_than_max',
      `Value ${pyNumberText(value, config[0])} bigger than max of ${pyNumberText(max, config[0])}`,
      name,
      { input_name: name, input_config: config, received_value: value },
    ),

  notInList: (name: string, config: InputConfig, value: unknown, options: readonly unknown[]) => {
    const long = options.length > MAX_LISTED_OPTIONS;
    const listInfo = long ? `(list of length ${options.length})` : pyRepr(options);
    return body('value_not_in_list', 'Value not in list', `${name}: '${pyStr(value)}' not in ${listInfo}`, {
      input_name: name,
      input_config: long ? null : config,
      received_value: value,
    });
  },

  customFailed: (name: string, returned: unknown) =>
    body(
      'custom_validation_failed',
      'Custom validation failed for node',
      returned === false ? name : `${name} - ${pyStr(returned)}`,
      { input_name: name },
    ),

  innerException: (name: string, config: InputConfig, ex: { message: string; type: string; traceback: string[] }, link: unknown) =>
    body('exception_during_inner_validation', 'Exception when validating inner node', ex.message, {
      input_name: name,
      input_config: config,
      exception_message: ex.message,
      exception_type: ex.type,
      traceback: ex.traceback,
      linked_node: link,
    }),

  exception: (ex: { message: string; type: string; traceback: string[] }) =>
    body('exception_during_validation', 'Exception when validating node', ex.message, {
      exception_type: ex.type,
      traceback: ex.traceback,
    }),
};
