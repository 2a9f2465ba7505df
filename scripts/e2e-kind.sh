#!/usr/bin/env bash
# Runs Herald end to end on a throwaway kind cluster: builds the image, loads it into the
# cluster, applies deploy/ with that image and runs test/deploy/e2e/ against the cluster.
# Needs docker, kind and kubectl on the PATH, and npm ci done. Not run in CI here: CI has no
# Docker engine.
#
#   npm run e2e:kind                      # create, test, delete the cluster
#   HERALD_E2E_KEEP=1 npm run e2e:kind    # keep the cluster afterwards, for a look around
set -euo pipefail
cd "$(dirname "$0")/.."

cluster="${HERALD_E2E_CLUSTER:-herald-e2e}"
image_tag="e2e"
image="herald:${image_tag}"

for tool in docker kind kubectl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "e2e-kind: $tool not found on the PATH; install it (docker, kind and kubectl are needed)" >&2
    exit 2
  fi
done
if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  echo "e2e-kind: a kind cluster named $cluster exists already; delete it (kind delete cluster --name $cluster) or set HERALD_E2E_CLUSTER" >&2
  exit 2
fi

# The overlay lives under .herald/ (ignored by git) because kustomize only accepts a relative
# path to deploy/.
work=".herald/e2e-kind"
rm -rf "$work"
mkdir -p "$work/overlay"
export KUBECONFIG="$PWD/$work/kubeconfig"

cleanup() {
  if [ -z "${HERALD_E2E_KEEP:-}" ]; then
    kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
  else
    echo "e2e-kind: kept cluster $cluster; KUBECONFIG=$KUBECONFIG"
  fi
}
trap cleanup EXIT

echo "e2e-kind: creating cluster $cluster"
kind create cluster --name "$cluster" --kubeconfig "$KUBECONFIG" --wait 180s

echo "e2e-kind: building $image"
docker build -t "$image" .
kind load docker-image "$image" --name "$cluster"

cat >"$work/overlay/kustomization.yaml" <<OVERLAY
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../../deploy
images:
  - name: herald
    newName: herald
    newTag: ${image_tag}
OVERLAY

echo "e2e-kind: applying deploy/"
kubectl apply -k "$work/overlay"
kubectl wait --for=condition=Established --timeout=60s crd --all
kubectl -n herald-system rollout status deployment/herald-operator --timeout=180s

echo "e2e-kind: running test/deploy/e2e/"
HERALD_E2E_IMAGE="$image" npx vitest run --config test/deploy/e2e/vitest.config.ts
