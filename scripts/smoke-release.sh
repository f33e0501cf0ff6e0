#!/usr/bin/env bash
# Smoke test of an installed release (GitHub's helm-k3s job): a pod of an annotated
# ServiceAccount is stored with the role, the token file variable and the token volume; a pod
# of an unannotated one is stored untouched. Uses the current kubectl context.
#   scripts/smoke-release.sh
set -euo pipefail
ns="smoke-$RANDOM"
kubectl create namespace "$ns"
trap 'kubectl delete namespace "$ns" --wait=false >/dev/null' EXIT
kubectl -n "$ns" create serviceaccount annotated
kubectl -n "$ns" annotate serviceaccount annotated eks.amazonaws.com/role-arn=arn:aws:iam::111122223333:role/smoke
kubectl -n "$ns" create serviceaccount plain

pod() { # NAME SERVICEACCOUNT
  kubectl -n "$ns" run "$1" --image=busybox --restart=Never --overrides "{\"spec\":{\"serviceAccountName\":\"$2\"}}" -- sleep 3600 >/dev/null
}
env_of() { kubectl -n "$ns" get pod "$1" -o jsonpath="{.spec.containers[0].env[?(@.name==\"$2\")].value}"; }

# The webhook's registration is Ignore by default: retry until the first pod comes back mutated.
for i in $(seq 1 30); do
  pod "annotated-$i" annotated
  [[ "$(env_of "annotated-$i" AWS_ROLE_ARN)" == "arn:aws:iam::111122223333:role/smoke" ]] && break
  (( i == 30 )) && { echo "no pod was mutated" >&2; exit 1; }
  sleep 2
done
[[ "$(env_of "annotated-$i" AWS_WEB_IDENTITY_TOKEN_FILE)" == /var/run/secrets/eks.amazonaws.com/serviceaccount/token ]]
kubectl -n "$ns" get pod "annotated-$i" -o jsonpath='{.spec.volumes[*].name}' | grep -qw aws-iam-token

pod untouched plain
[[ -z "$(env_of untouched AWS_ROLE_ARN)" ]]
! kubectl -n "$ns" get pod untouched -o jsonpath='{.spec.volumes[*].name}' | grep -qw aws-iam-token
echo "smoke: the release mutates annotated pods and leaves the others alone"
