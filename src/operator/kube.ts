import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';

/** The API clients the operator uses, built from one kubeconfig. */
export interface KubeClients {
  config: KubeConfig;
  customObjects: CustomObjectsApi;
  core: CoreV1Api;
}

/**
 * Loads the kubeconfig the way kubectl does: the in-cluster service account inside a pod,
 * otherwise `KUBECONFIG`, otherwise `~/.kube/config`.
 */
export function loadKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}

export function createKubeClients(config: KubeConfig): KubeClients {
  return {
    config,
    customObjects: config.makeApiClient(CustomObjectsApi),
    core: config.makeApiClient(CoreV1Api),
  };
}

/** The HTTP status of a failed API call, or undefined for errors that never reached the server. */
export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/**
 * A short description of a failed API call for logs and statuses: the status code and the
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
    return message ? `API error ${error.code}: ${message}` : `API error ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A namespaced object's `namespace/name`, the key informers and the routing table use. */
export function objectKey(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
