/**
 * `tracemark traffic …`: extraction campaigns in API exchange logs. The group lists its
 * subcommands; each lives in its own file (`traffic-scan.ts`, `traffic-simulate.ts`).
 */
import { type CommandGroup } from '../command.ts';
import { command as scan } from './traffic-scan.ts';
import { command as simulate } from './traffic-simulate.ts';

export const command: CommandGroup = {
  name: 'traffic',
  description: 'find extraction campaigns in API exchange logs',
  subcommands: [scan, simulate],
};
