/** The kubeconfig that points kubectl and @kubernetes/client-node at the local API server. */
import { dump } from 'js-yaml';

/** Name of the cluster, user and context in the generated kubeconfig. */
export const KUBECONFIG_CONTEXT = 'herald-local';

/**
 * Renders a kubeconfig for `serverUrl`. Plain HTTP needs `insecure-skip-tls-verify` for
 * client-node. The server has no authentication, so the user carries no credentials.
 */
export function renderKubeconfig(serverUrl: string): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: KUBECONFIG_CONTEXT,
        cluster: { server: serverUrl, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: KUBECONFIG_CONTEXT, user: {} }],
    contexts: [
      {
        name: KUBECONFIG_CONTEXT,
        context: { cluster: KUBECONFIG_CONTEXT, user: KUBECONFIG_CONTEXT, namespace: 'default' },
      },
    ],
    'current-context': KUBECONFIG_CONTEXT,
    preferences: {},
  });
}
