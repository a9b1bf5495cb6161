/**
 * Loading watermark keys and the tokenizer they were made for, with errors naming the file.
 */
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { parseKey, type WatermarkKey } from '@tracemark/watermark';
import { InputError } from './errors.ts';
import { readTextInput } from './io.ts';

export async function loadKeyFile(path: string): Promise<WatermarkKey> {
  const text = await readTextInput(path);
  return parseKey(text, path);
}

/**
 * The tokenizer to score with: `spec` when given (a name or a tokenizer.json path), else the
 * key's own tokenizer by name. Its identity must match the key's (checked by the detector).
 */
export async function tokenizerForKey(key: WatermarkKey, spec?: string): Promise<Tokenizer> {
  const name = spec ?? key.tokenizer.name;
  if (spec === undefined && name.startsWith('hf:')) {
    throw new InputError(`the key uses tokenizer ${name} from a tokenizer.json file: pass --tokenizer PATH to that file`);
  }
  return getTokenizer(name);
}
