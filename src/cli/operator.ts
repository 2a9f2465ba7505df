import { ConfigError, helpText, loadConfig } from '../operator/config.ts';
import { loadKubeConfig } from '../operator/kube.ts';
import { startOperator } from '../operator/operator.ts';
import { createLogger } from '../util/log.ts';

// The operator's entry point: `npm start`, or `node src/cli/operator.ts` with a kubeconfig.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(helpText());
  process.exit(0);
}

let config;
try {
  config = loadConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`herald-operator: ${error.message}`);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel });
const operator = await startOperator({ kubeConfig: loadKubeConfig(), config, logger });

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  operator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
