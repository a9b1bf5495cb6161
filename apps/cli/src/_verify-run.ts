import { main } from './_verify-cli.ts';
process.exitCode = await main(process.argv.slice(2));
