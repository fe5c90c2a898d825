/** Entry point of `npm run render | validate | check | lint` under tsx; everything it does lives in commands.ts. */
import { main } from './commands.js';

process.exitCode = await main(process.argv.slice(2));
