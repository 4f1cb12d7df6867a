// `dynamicPrompts` strings (nodes.md §1.2): each `{a|b|c}` group is replaced by one of its options, innermost groups
// first, before the prompt is sent; `\{`, `\|` and `\}` stay literal.

const INNERMOST_GROUP = /(?<!\\)\{((?:[^{}\\]|\\.)*?)(?<!\\)\}/;

function splitOptions(body: string): string[] {
  const options: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      current += c + body[++i];
    } else if (c === '|') {
      options.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  options.push(current);
  return options;
}

export function expandDynamicPrompt(text: string, random: () => number = Math.random): string {
  let result = text;
  for (let match = INNERMOST_GROUP.exec(result); match; match = INNERMOST_GROUP.exec(result)) {
    const options = splitOptions(match[1]!);
    const choice = options[Math.floor(random() * options.length)] ?? '';
    result = result.slice(0, match.index) + choice + result.slice(match.index + match[0].length);
  }
  return result;
}
