export { classifyError, type ClassifiedError } from './classify-error.ts';
export { ExitCode, type ExitCodeValue } from './exit-code.ts';
export { InputError } from './input-error.ts';
export { IoError } from './io-error.ts';
export { TracemarkError } from './tracemark-error.ts';
