/**
 * Writing records obtained elsewhere (an imported batch) into a transcript file with the same
 * guarantees as a live run: a new file gets the header, an existing one must have a matching
 * header, and a (probe, sample) already present is skipped rather than duplicated.
 */
import { recordKey, type TranscriptHeader, type TranscriptRecord } from '@tracemark/fingerprint';
import { headerMismatches, ResumeMismatchError } from './run-probe.ts';
import { createTranscriptFile, readTranscriptForResume, TranscriptWriter } from './transcript-writer.ts';

export interface MergeResult {
  readonly out: string;
  readonly created: boolean;
  readonly written: number;
  /** Records skipped because the transcript already had their (probe, sample). */
  readonly skipped: number;
}

/**
 * Append `records` to the transcript at `out`, creating it with `header` if needed.
 *
 * @throws ResumeMismatchError when `out` holds a transcript of another suite, model or parameters.
 */
export async function mergeIntoTranscript(out: string, header: TranscriptHeader, records: readonly TranscriptRecord[]): Promise<MergeResult> {
  const existing = await readTranscriptForResume(out);
  const done = new Set<string>();
  if (existing) {
    const problems = headerMismatches(existing.header, header);
    if (problems.length > 0) throw new ResumeMismatchError(`${out}: cannot add to this transcript: ${problems.join('; ')}`);
    for (const r of existing.records) done.add(recordKey(r.probeId, r.sample));
  } else {
    await createTranscriptFile(out, header);
  }
  const writer = await TranscriptWriter.open(out);
  let written = 0;
  let skipped = 0;
  try {
    for (const r of records) {
      const key = recordKey(r.probeId, r.sample);
      if (done.has(key)) {
        skipped++;
        continue;
      }
      done.add(key);
      await writer.append(r);
      written++;
    }
  } finally {
    await writer.close();
  }
  return { out, created: existing === null, written, skipped };
}
