/**
 * Which accounts leaked: a lab serves 1,000 accounts, each watermarked with a key derived from one
 * master key. Three accounts pull outputs from the teacher; a student is trained on their union.
 * Testing all 1,000 account keys against the student's generations (Holm-corrected) names exactly
 * those three.
 */
import { attributeAccounts } from '@tracemark/audit';
import { referenceAttributeAccounts } from '@tracemark/audit/testing';
import { deriveAccountKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoop, fixedKey, type Loop, sampleOutputs, trainStudent } from './fixtures/reference-loop.ts';

const ACCOUNTS = Array.from({ length: 1000 }, (_, i) => `acct-${String(i).padStart(4, '0')}`);
const LEAKED = ['acct-0042', 'acct-0517', 'acct-0999'];
let loop: Loop;

beforeAll(async () => {
  loop = await createLoop();
});

describe('account attribution over 1,000 accounts', () => {
  it('names the three accounts whose outputs trained the student, and no others', () => {
    const master = fixedKey(loop.tokenizer, 7);
    const pulled = LEAKED.flatMap((account, a) =>
      sampleOutputs(loop, loop.teacher, `pull-${a}`, 150, 150, deriveAccountKey(master, account)).map((o) => o.tokens),
    );
    const student = trainStudent(loop, pulled, 1, 'student');
    const outputs = sampleOutputs(loop, student, 'student', 300, 100);
    const t0 = performance.now();
    const result = attributeAccounts(master, ACCOUNTS, outputs, { alpha: 1e-3 });
    const seconds = (performance.now() - t0) / 1000;
    console.info(
      `attribution: ${result.accountsTested} accounts × ${result.scored} tuples in ${seconds.toFixed(1)} s; leaked ${result.leaked.join(', ')}; ` +
        result.accounts.slice(0, 5).map((a) => `${a.account} log10 p ${a.log10PValue.toFixed(1)} (adj ${a.adjusted.log10PValue.toFixed(1)})`).join('; '),
    );
    expect([...result.leaked].sort()).toEqual(LEAKED);
    // The typed-array kernel gives the per-tuple reference's p-values to the bit.
    expect(result).toEqual(referenceAttributeAccounts(master, ACCOUNTS, outputs, { alpha: 1e-3 }));
    expect(result.correction).toBe('holm');
  });
});
