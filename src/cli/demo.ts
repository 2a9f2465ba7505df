import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runDemo } from '../demo/demo.ts';

// `npm run demo`: the local API server, the operator and local receivers, with examples/ applied.
const usage = `Usage: npm run demo -- [--check] [--deadline SECONDS] [--state-dir DIR]

  --check             exit 0 once every expected notification has arrived, 1 otherwise
  --deadline SECONDS  how long --check waits (default 60)
  --state-dir DIR     folder for the kubeconfig (default .herald in the project)`;

let values;
try {
  values = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      deadline: { type: 'string', default: '60' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (error) {
  console.error(`demo: ${(error as Error).message}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const deadlineSeconds = Number(values.deadline);
if (!Number.isFinite(deadlineSeconds) || deadlineSeconds <= 0) {
  console.error(`demo: --deadline "${values.deadline}" is not a positive number of seconds`);
  process.exit(2);
}

const stopRequested = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
const root = fileURLToPath(new URL('../..', import.meta.url));
const code = await runDemo({
  root,
  check: values.check,
  deadlineMs: deadlineSeconds * 1000,
  ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
  print: (line) => console.log(line),
  stopRequested,
});
process.exit(code);
