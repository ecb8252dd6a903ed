
/**
 * Checks a JSON body before it is parsed: it must be valid UTF-8 (JSON.parse would turn bad bytes into
 * U+FFFD silently) and no object may repeat a key (JSON.parse keeps the last one silently, so two readers of
 * the same body could disagree). Written here because body-parser has neither check and the small scanner
 * below is all it takes; it follows strings and nesting only, leaving syntax to JSON.parse.
 */
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Thrown from body-parser's verify hook; body-parser reports it as entity.verify.failed. */
export class JsonBodyRejectedError extends Error {
  override readonly name = 'JsonBodyRejectedError';
}

export function checkJsonBody(buffer: Buffer): void {
  let text: string;
  try {
    text = decoder.decode(buffer);
  } catch {
    throw new JsonBodyRejectedError('the body is not valid UTF-8');
  }
  const keys: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const raw = text.slice(i, end + 1);
      let j = end + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      const set = keys.at(-1);
      if (set && expectKey && text[j] === ':') {
        let key: string;
        try {
          key = JSON.parse(raw) as string;
        } catch {
          return; // malformed: JSON.parse will say so
        }
        if (set.has(key)) throw new JsonBodyRejectedError(`the body repeats the key ${JSON.stringify(key)} in one object`);
        set.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      keys.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      keys.push(undefined);
    } else if (c === '}' || c === ']') {
      keys.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = keys.at(-1) !== undefined;
    }
  }
}
