import './bundle-shim.ts';
import { run } from './main.ts';

await run();
