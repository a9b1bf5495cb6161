/**
 * Opening a reference model file at the CLI edge, with the same one-line errors as other inputs.
 */
import { stat } from 'node:fs/promises';
import { loadModel, type NgramModel } from '@tracemark/models';
import { InputError } from './errors.ts';

export async function openModelFile(path: string): Promise<NgramModel> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new InputError(`${path}: is a directory, expected a model file`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${path}: no such file`);
    throw e;
  }
  return loadModel(path);
}
