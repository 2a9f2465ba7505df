import { ConfigError, helpText, loadConfig, type OperatorConfig } from '../operator/config.ts';
import { KubeconfigNotFoundError, loadKubeConfig } from '../operator/kube.ts';
import { runOperator, type OperatorRunner } from '../operator/runner.ts';
import { createLogger } from '../util/log.ts';

// The operator's entry point: `npm start`, or `node src/cli/operator.ts` with a kubeconfig.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(helpText());
  process.exit(0);
}

let config: OperatorConfig;
try {
  config = loadConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`herald-operator: ${error.message}`);
  process.exit(2);
}

let kubeConfig;
try {
  kubeConfig = loadKubeConfig();
} catch (error) {
  if (!(error instanceof KubeconfigNotFoundError)) throw error;
  console.error(`herald-operator: ${error.message}`);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel });

// Signal handlers come first: a SIGTERM that arrives while the operator is still starting must
// stop it cleanly too, once it can be stopped.
let starting: Promise<OperatorRunner | undefined> | undefined;
/** Extra time past the drain for stopping informers and releasing the lease, in ms. */
const stopMarginMs = 10_000;
let signalled = false;
const onSignal = (signal: NodeJS.Signals) => {
  // A second signal exits at once, as kube controllers do; deliveries in flight stay Pending.
  if (signalled) {
    logger.warn({ signal }, 'second signal; exiting without waiting');
    process.exit(1);
  }
  signalled = true;
  const deadline = setTimeout(
    () => {
      logger.error({ signal }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    },
    config.shutdownTimeoutMs + config.lease.renewDeadlineMs + stopMarginMs,
  );
  deadline.unref();
  void starting?.then((runner) => runner?.shutdown(signal));
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

starting = runOperator({ kubeConfig, config, logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'starting the operator failed');
  process.exit(1);
});
const runner = await starting;
if (runner) process.exit(await runner.done);
