import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  KubeConfig,
  ServerConfiguration,
  type ApiConstructor,
  type ApiType,
  type KubernetesObject,
  type RequestContext,
} from '@kubernetes/client-node';

/** The API clients the operator uses, built from one kubeconfig. */
export interface KubeClients {
  config: KubeConfig;
  customObjects: CustomObjectsApi;
  core: CoreV1Api;
}

/**
 * The User-Agent of every request the operator sends. API server audit logs show it, and the
 * local API server records requests per user agent, which the RBAC test compares with deploy/.
 */
export const operatorUserAgent = 'herald-operator';

/**
 * A KubeConfig whose API clients and watches send `operatorUserAgent`. client-node sets the
 * header in two places: `makeApiClient` adds a middleware with its own User-Agent, which runs
 * after authentication, and `Watch` sends only the headers that authentication sets. So the
 * header is set during authentication, and `makeApiClient` leaves out client-node's middleware.
 */
export class OperatorKubeConfig extends KubeConfig {
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setHeaderParam('User-Agent', operatorUserAgent);
  }

  override makeApiClient<T extends ApiType>(apiClientType: ApiConstructor<T>): T {
    const cluster = this.getCurrentCluster();
    if (!cluster) {
      throw new Error(
        `kubeconfig context "${this.getCurrentContext()}" names no cluster; fix the context or set KUBECONFIG`,
      );
    }
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: this },
    });
    return new apiClientType(configuration);
  }
}

/**
 * Loads the kubeconfig the way kubectl does: the in-cluster service account inside a pod,
 * otherwise `KUBECONFIG`, otherwise `~/.kube/config`.
 */
export function loadKubeConfig(env: NodeJS.ProcessEnv = process.env): OperatorKubeConfig {
  // client-node falls back to http://localhost:8080 when it finds nothing, which then fails on
  // every request with an unrelated TLS message. Naming what is missing helps more.
  const home = env.HOME ?? homedir();
  const found =
    Boolean(env.KUBECONFIG) ||
    existsSync(join(home, '.kube', 'config')) ||
    Boolean(env.KUBERNETES_SERVICE_HOST);
  if (!found) {
    throw new KubeconfigNotFoundError(
      'no kubeconfig found: KUBECONFIG is not set, ~/.kube/config does not exist and this is not a pod; set KUBECONFIG to a kubeconfig file (npm run local-api writes one)',
    );
  }
  const config = new OperatorKubeConfig();
  config.loadFromDefault();
  return config;
}

/** No kubeconfig could be found the way kubectl looks for one. */
export class KubeconfigNotFoundError extends Error {}

/**
 * Returns `config` as an OperatorKubeConfig, copying its clusters, users and contexts when it is
 * a plain KubeConfig, so that every request built from the result carries `operatorUserAgent`.
 */
export function asOperatorKubeConfig(config: KubeConfig): OperatorKubeConfig {
  if (config instanceof OperatorKubeConfig) return config;
  const copy = new OperatorKubeConfig();
  copy.loadFromOptions({
    clusters: config.clusters,
    users: config.users,
    contexts: config.contexts,
    currentContext: config.currentContext,
  });
  return copy;
}

/** Builds the operator's API clients; they and `config` in the result send `operatorUserAgent`. */
export function createKubeClients(kubeConfig: KubeConfig): KubeClients {
  const config = asOperatorKubeConfig(kubeConfig);
  return {
    config,
    customObjects: config.makeApiClient(CustomObjectsApi),
    core: config.makeApiClient(CoreV1Api),
  };
}

/** Returns the HTTP status of a failed API call, or undefined when it never reached the server. */
export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/**
 * Describes a failed API call for logs and statuses: the status code and the
 * `Status.message` from the server, or the error's own message.
 */
export function describeApiError(error: unknown): string {
  if (error instanceof ApiException) {
    let message = '';
    try {
      const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      if (body && typeof body === 'object' && 'message' in body) message = String(body.message);
    } catch {
      // A body that is not a Status leaves only the code to report.
    }
    const hint =
      error.code === 404 && !message.includes('not found')
        ? '; are the Herald CRDs installed? (kubectl apply -f crds/)'
        : '';
    return message
      ? `API error ${error.code}: ${message}${hint}`
      : `API error ${error.code}${hint}`;
  }
  if (error instanceof Error) {
    // undici reports "fetch failed" and keeps the reason, such as ECONNREFUSED, in the cause.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${error.message} (${String(detail)})` : error.message;
  }
  return String(error);
}

/** Returns a namespaced object's `namespace/name`, the key informers and routing use. */
export function objectKey(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
