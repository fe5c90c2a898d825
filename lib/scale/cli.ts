/** Entry point of the scale renderer under tsx; `npm run scale` runs the bundle of run.ts (scripts/run.cjs). */
import { main } from './run.js';

process.exitCode = await main(process.argv.slice(2));
