/**
 * `tracemark traffic …`: extraction campaigns in API exchange logs. The group lists its
 * subcommands; each lives in its own file (`traffic-scan.ts`, and `traffic-simulate.ts` when the
 * simulator lands).
 */
import { type CommandGroup } from '../command.ts';
import { command as scan } from './traffic-scan.ts';

export const command: CommandGroup = {
  name: 'traffic',
  description: 'find extraction campaigns in API exchange logs',
  subcommands: [scan],
};
