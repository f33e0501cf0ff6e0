#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, without Docker: etcd, kube-apiserver (with a
# ServiceAccount issuer whose OIDC discovery and JWKS are served to anyone, as EKS serves its
# issuer), kube-controller-manager, kube-scheduler, a kubelet on containerd and runc, kube-proxy
# in iptables mode, and a bridge CNI network. The binaries are v1.20.2, built once by
# scripts/control-plane.sh from Debian's kubernetes source into its cache, outside the repo.
#
#   scripts/cluster.sh up             start it (idempotent); ready when the node is Ready and
#                                     the default ServiceAccount exists
#   scripts/cluster.sh down           stop it and leave nothing behind: processes, mounts,
#                                     network namespaces, the cni0 bridge and its veths,
#                                     iptables rules, cgroups, sysctls (ip_forward included)
#   scripts/cluster.sh status         what runs, and the node
#   scripts/cluster.sh kubeconfig     the admin kubeconfig's path
#   scripts/cluster.sh env            the cluster's facts as KEY=VALUE lines (for tests)
#   scripts/cluster.sh footprint      what up changes on the machine, to compare before up
#                                     and after down
#   scripts/cluster.sh import TAR...  load image archives (docker-archive or OCI) into the
#                                     node's containerd, where pods with imagePullPolicy
#                                     Never or IfNotPresent find them
#   scripts/cluster.sh tag IMAGE NEW  another name for an imported image (an upgrade to a
#                                     new tag without a new build)
#
# Needs root and Debian's containerd, runc, containernetworking-plugins, iptables, nftables,
# conntrack, iproute2, openssl and buildah; it says which are missing rather than installing them.
# State lives in $CLUSTER_STATE (default /var/lib/pod-identity-webhook/cluster), logs in its
# logs/ folder. No image registry is reachable: images are imported, and pods use
# imagePullPolicy Never or IfNotPresent. Pods have no DNS server (their resolv.conf names
# 127.0.0.1) and no route off this machine: a fence in iptables refuses pod traffic leaving
# the bridge and any ClusterIP that kube-proxy did not translate, so a broken Service fails
# loudly instead of reaching whatever answers that address outside.
set -euo pipefail
cd "$(dirname "$0")/.."

state="${CLUSTER_STATE:-/var/lib/pod-identity-webhook/cluster}"
node_name=piw-node
service_cidr=10.96.0.0/16
kubernetes_service_ip=10.96.0.1
pod_cidr=10.244.0.0/24
bridge=cni0
apiserver_port=6443
etcd_client_port=12379
etcd_peer_port=12380
pause_image=localhost/pod-identity-webhook/pause:v1.20.2
containerd_socket="$state/containerd/containerd.sock"
# Sysctls that the kubelet, kube-proxy or the bridge plugin change: put back by `down`.
sysctls=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  net.ipv4.conf.all.route_localnet vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
daemons=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

log() { echo "cluster: $*" >&2; }
die() { log "$*"; exit 1; }

require() {
  (( EUID == 0 )) || die "must run as root (it starts containerd and the kubelet, and changes iptables)"
  local missing=() tool
  for tool in containerd containerd-shim-runc-v2 ctr runc iptables iptables-save iptables-restore \
      ip6tables-save ip6tables-restore conntrack ip openssl buildah sysctl mountpoint; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  # down removes the tables up created with nft where iptables is nf_tables underneath.
  if iptables --version 2>/dev/null | grep -q nf_tables; then
    command -v nft >/dev/null || missing+=(nft)
  fi
  for plugin in bridge host-local loopback; do
    [[ -x /usr/lib/cni/$plugin ]] || missing+=("/usr/lib/cni/$plugin")
  done
  if (( ${#missing[@]} > 0 )); then
    die "missing: ${missing[*]}. Install them: apt-get install containerd runc containernetworking-plugins iptables nftables conntrack iproute2 openssl buildah"
  fi
  [[ -d /sys/fs/cgroup/memory && -d /sys/fs/cgroup/cpu ]] \
    || die "cgroup v1 hierarchies (memory, cpu) are not mounted under /sys/fs/cgroup; the kubelet here is set up for cgroup v1 with the cgroupfs driver"
}

running() { [[ -f "$state/pids/$1" ]] && kill -0 "$(cat "$state/pids/$1")" 2>/dev/null; }

# start NAME COMMAND...: a daemon in the background, its log in logs/NAME.log, its pid in pids/NAME.
start() {
  local name="$1"; shift
  "$@" >>"$state/logs/$name.log" 2>&1 &
  echo $! >"$state/pids/$name"
}

wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$(( SECONDS + seconds ))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS > deadline )); then
      log "not ready after ${seconds} s: $what"
      local d
      for d in "${daemons[@]}"; do
        if [[ -f "$state/pids/$d" ]] && ! running "$d"; then log "$d has exited; the end of its log:"; tail -n 20 "$state/logs/$d.log" >&2; fi
      done
      exit 1
    fi
    sleep 0.5
  done
}

kubectl_admin() { "$bin/kubectl" --kubeconfig "$state/kubeconfig" "$@"; }

node_ip() {
  [[ -n "${CLUSTER_NODE_IP:-}" ]] && { echo "$CLUSTER_NODE_IP"; return; }
  # The address of the interface that holds the default route: the node's InternalIP and
  # the API server's advertised address, which pods reach through the kubernetes Service.
  local dev
  dev="$(ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')"
  [[ -n "$dev" ]] || die "no default route to take the node's address from; set CLUSTER_NODE_IP"
  ip -4 -o addr show dev "$dev" | awk '{split($4, a, "/"); print a[1]; exit}'
}

pki() {
  local p="$state/pki"
  mkdir -p "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=pod-identity-webhook-cluster-ca" \
    -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  # sign NAME SUBJECT [SAN]: a leaf certificate signed by the cluster CA.
  sign() {
    local ext="$p/$1.ext"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' >"$ext"
    [[ -n "${3:-}" ]] && echo "subjectAltName=$3" >>"$ext"
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$p/$1.key" -out "$p/$1.csr" 2>/dev/null
    openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 \
      -extfile "$ext" -out "$p/$1.crt" 2>/dev/null
    rm -f "$p/$1.csr" "$ext"
  }
  sign apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:$ip,IP:$kubernetes_service_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  sign kubelet "/CN=$node_name" "IP:$ip,DNS:$node_name"
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
}

# kubeconfig FILE TOKEN: a kubeconfig for one identity of tokens.csv.
kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: piw
  cluster:
    server: https://$ip:$apiserver_port
    certificate-authority: $state/pki/ca.crt
users:
- name: user
  user:
    token: $2
contexts:
- name: piw
  context: {cluster: piw, user: user}
current-context: piw
EOF
}

identities() {
  local tokens="$state/tokens.csv" identity
  : >"$tokens"
  # name|user|groups: the users and groups Kubernetes' bootstrap RBAC grants each component.
  for identity in "admin|admin|system:masters" "kubelet|system:node:$node_name|system:nodes" \
      "controller-manager|system:kube-controller-manager|" "scheduler|system:kube-scheduler|" \
      "kube-proxy|system:kube-proxy|"; do
    IFS='|' read -r name user groups <<<"$identity"
    local token
    token="$(openssl rand -hex 24)"
    echo "$token,$user,$name-uid,\"$groups\"" >>"$tokens"
    kubeconfig "$state/$name.kubeconfig" "$token"
  done
  cp "$state/admin.kubeconfig" "$state/kubeconfig"
}

pause_archive() {
  local archive="$cache/images/pause-v1.20.2.tar"
  if [[ ! -f "$archive" ]]; then
    mkdir -p "$cache/images"
    local container
    container="$(buildah from scratch)"
    buildah copy -q "$container" "$bin/pause" /pause >/dev/null
    buildah config --entrypoint '["/pause"]' --user 65535:65535 "$container"
    buildah commit -q --rm "$container" "$pause_image" >/dev/null
    buildah push -q "$pause_image" "docker-archive:$archive.tmp:$pause_image"
    mv "$archive.tmp" "$archive"
  fi
  echo "$archive"
}

containerd_config() {
  mkdir -p "$state/containerd" "$state/cni/net.d"
  cat >"$state/containerd/config.toml" <<EOF
version = 2
root = "$state/containerd/root"
state = "$state/containerd/state"
[grpc]
  address = "$containerd_socket"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # No CAP_SYS_RESOURCE in this sandbox: without this every pod sandbox fails to start.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
EOF
  cat >"$state/cni/net.d/10-piw.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "piw",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$state/cni/ipam",
        "ranges": [[{"subnet": "$pod_cidr"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
}

# The fence: pods reach each other, this node and Services, never another machine; a ClusterIP
# that kube-proxy has not translated is refused here instead of being routed off the machine.
fence() {
  iptables -N PIW-FENCE 2>/dev/null || iptables -F PIW-FENCE
  iptables -A PIW-FENCE -d "$service_cidr" -j REJECT
  iptables -A PIW-FENCE -i "$bridge" -o "$bridge" -j RETURN
  iptables -A PIW-FENCE -i "$bridge" -j REJECT
  iptables -I FORWARD 1 -j PIW-FENCE
  iptables -I OUTPUT 1 -j PIW-FENCE
}

up() {
  require
  if running kube-apiserver && running kubelet; then
    log "already up ($state)"; ready; return
  fi
  [[ -d "$state" ]] && down
  local started=$SECONDS
  bin="$(KUBEBUILDER_ASSETS='' TEST_ASSET_KUBE_APISERVER='' TEST_ASSET_ETCD='' scripts/control-plane.sh | tail -n 1)"
  cache="$(dirname "$bin")"
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy etcd kubectl pause; do
    [[ -x "$bin/$c" ]] || die "$bin/$c is missing; remove $bin/kube-apiserver and run scripts/control-plane.sh to build the node binaries"
  done
  mkdir -p "$state/logs" "$state/pids" "$state/before"
  echo "$bin" >"$state/bin"
  ip="$(node_ip)"
  echo "$ip" >"$state/node-ip"

  # What down puts back.
  iptables-save >"$state/before/iptables"
  ip6tables-save >"$state/before/ip6tables"
  local s
  for s in "${sysctls[@]}"; do
    [[ -e "/proc/sys/${s//.//}" ]] && echo "$s=$(sysctl -n "$s")" >>"$state/before/sysctls"
  done
  for d in /var/log/pods /var/log/containers /var/lib/cni /run/netns; do
    [[ -e "$d" ]] && echo "$d" >>"$state/before/paths"
  done
  touch "$state/before/paths"

  pki
  identities
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.ipv4.ip_forward=1
  fence

  start etcd "$bin/etcd" --name piw --data-dir "$state/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_client_port" --advertise-client-urls "http://127.0.0.1:$etcd_client_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "piw=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync

  containerd_config
  start containerd containerd --config "$state/containerd/config.toml"

  local issuer="https://$ip:$apiserver_port"
  start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_client_port" \
    --bind-address "$ip" --advertise-address "$ip" --secure-port "$apiserver_port" \
    --tls-cert-file "$state/pki/apiserver.crt" --tls-private-key-file "$state/pki/apiserver.key" \
    --client-ca-file "$state/pki/ca.crt" --token-auth-file "$state/tokens.csv" \
    --kubelet-client-certificate "$state/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$state/pki/apiserver-kubelet-client.key" \
    --authorization-mode Node,RBAC --kubelet-preferred-address-types InternalIP,Hostname \
    --service-account-issuer "$issuer" --api-audiences "$issuer" \
    --service-account-key-file "$state/pki/sa.pub" --service-account-signing-key-file "$state/pki/sa.key" \
    --service-cluster-ip-range "$service_cidr" --allow-privileged \
    --feature-gates BoundServiceAccountTokenVolume=true

  wait_for "containerd's socket" 30 ctr --address "$containerd_socket" version
  ctr --address "$containerd_socket" -n k8s.io images import "$(pause_archive)" >/dev/null

  wait_for "kube-apiserver /readyz" 90 kubectl_admin get --raw /readyz
  # The issuer's discovery and keys are public, as they are on EKS: an STS (or its stand-in)
  # fetches them anonymously.
  kubectl_admin create clusterrolebinding piw-service-account-issuer-discovery \
    --clusterrole system:service-account-issuer-discovery --group system:unauthenticated >/dev/null

  start kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$state/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$state/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
    --service-account-private-key-file "$state/pki/sa.key" --root-ca-file "$state/pki/ca.crt" \
    --use-service-account-credentials --leader-elect=false \
    --service-cluster-ip-range "$service_cidr" --port 0 --bind-address 127.0.0.1 --secure-port 10257
  start kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig "$state/scheduler.kubeconfig" \
    --authentication-kubeconfig "$state/scheduler.kubeconfig" \
    --authorization-kubeconfig "$state/scheduler.kubeconfig" \
    --leader-elect=false --port 0 --bind-address 127.0.0.1 --secure-port 10259

  # Pods have no DNS server: a resolver on their own loopback fails at once, and no query
  # leaves the machine.
  printf 'nameserver 127.0.0.1\noptions ndots:1 timeout:1 attempts:1\n' >"$state/resolv.conf"
  cat >"$state/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
cgroupDriver: cgroupfs
failSwapOn: false
resolvConf: $state/resolv.conf
tlsCertFile: $state/pki/kubelet.crt
tlsPrivateKeyFile: $state/pki/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $state/pki/ca.crt}
authorization: {mode: Webhook}
# The machine's disk is shared: evict only when it is really full.
evictionHard: {memory.available: "100Mi", nodefs.available: "2%", imagefs.available: "2%"}
imageGCHighThresholdPercent: 100
makeIPTablesUtilChains: true
EOF
  start kubelet "$bin/kubelet" --config "$state/kubelet.yaml" --kubeconfig "$state/kubelet.kubeconfig" \
    --root-dir "$state/kubelet" --cert-dir "$state/pki" \
    --container-runtime remote --container-runtime-endpoint "unix://$containerd_socket" \
    --node-ip "$ip" --hostname-override "$node_name" --v 1

  cat >"$state/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.244.0.0/16
hostnameOverride: $node_name
bindAddress: $ip
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clientConnection: {kubeconfig: $state/kube-proxy.kubeconfig}
# No conntrack sysctls: the sandbox may refuse them and the defaults serve one node.
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  start kube-proxy "$bin/kube-proxy" --config "$state/kube-proxy.yaml"

  ready
  log "up in $(( SECONDS - started )) s; kubeconfig: $state/kubeconfig"
}

ready() {
  [[ -n "${bin:-}" ]] || bin="$(cat "$state/bin")"
  wait_for "node $node_name Ready" 120 \
    bash -c "'$bin/kubectl' --kubeconfig '$state/kubeconfig' get node $node_name -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
  wait_for "the default ServiceAccount" 60 kubectl_admin -n default get serviceaccount default
  wait_for "the kube-root-ca.crt ConfigMap" 60 kubectl_admin -n default get configmap kube-root-ca.crt
  wait_for "kube-proxy's rules for the kubernetes Service" 60 \
    bash -c "iptables-save -t nat | grep -q -- '-d $kubernetes_service_ip/32 .*KUBE-SVC'"
}

# restore_tables iptables|ip6tables SNAPSHOT: every table as the snapshot has it. A restore
# flushes the tables it names but keeps other chains (kube-proxy's nat chains when the
# snapshot had no nat table, empty KUBE-* chains), so each table is emptied first.
restore_tables() {
  local table family=ip
  [[ "$1" == ip6tables ]] && family=ip6
  for table in $("$1-save" | sed -n 's/^\*//p'); do
    "$1" -t "$table" -F
    "$1" -t "$table" -X
    # A table the snapshot did not have (a machine where nothing had used iptables before
    # kube-proxy) goes too: emptied, it still shows in iptables-save with its built-in chains.
    # Under the nf_tables backend it is an nftables table that nft removes; the legacy
    # backend's kernel tables cannot be removed.
    if ! grep -qx "\*$table" "$2" && "$1" --version | grep -q nf_tables; then
      nft delete table "$family" "$table"
    fi
  done
  "$1-restore" <"$2"
}

down() {
  [[ -d "$state" ]] || { log "not up ($state)"; return 0; }
  local d pid
  # The kubelet first, so it restarts nothing; then every container's shim and process.
  for d in kubelet kube-proxy kube-scheduler kube-controller-manager kube-apiserver; do
    if running "$d"; then kill "$(cat "$state/pids/$d")" 2>/dev/null || true; fi
  done
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $containerd_socket" || true); do
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Processes of containers whose shim already went (their cgroups are under kubepods).
  for d in /sys/fs/cgroup/*/kubepods; do
    [[ -d "$d" ]] || continue
    find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done
  for d in containerd etcd; do
    if running "$d"; then kill "$(cat "$state/pids/$d")" 2>/dev/null || true; fi
  done
  for d in "${daemons[@]}"; do
    for _ in $(seq 1 50); do running "$d" || break; sleep 0.2; done
    if running "$d"; then kill -KILL "$(cat "$state/pids/$d")" 2>/dev/null || true; fi
  done

  # Mounts: the kubelet's volumes, containerd's snapshots and rootfs, network namespaces.
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v s="$state" 'index($2, s) == 1 {print $2}' /proc/mounts | sort -r)
  for m in /run/netns/cni-*; do
    [[ -e "$m" ]] || continue
    umount -l "$m" 2>/dev/null || true
    rm -f "$m"
  done
  # Veths go with their namespaces; the bridge is ours to remove.
  ip link del "$bridge" 2>/dev/null || true

  for d in /sys/fs/cgroup/*/kubepods; do
    [[ -d "$d" ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done

  if [[ -f "$state/before/iptables" ]]; then
    restore_tables iptables "$state/before/iptables"
    restore_tables ip6tables "$state/before/ip6tables"
  fi
  if [[ -f "$state/before/sysctls" ]]; then
    sysctl -qw $(cat "$state/before/sysctls") || true
  fi
  rm -rf /var/lib/cni/results/piw-* 2>/dev/null || true
  for d in /var/log/pods /var/log/containers /var/lib/cni /run/netns; do
    if [[ -f "$state/before/paths" ]] && ! grep -qx "$d" "$state/before/paths"; then rm -rf "$d"; fi
  done
  # What cannot go (a mount still busy) is said, not hidden.
  if awk -v s="$state" 'index($2, s) == 1 {found = 1} END {exit !found}' /proc/mounts; then
    log "mounts under $state remain:"; awk -v s="$state" 'index($2, s) == 1 {print "  " $2}' /proc/mounts >&2
    exit 1
  fi
  rm -rf "$state"
  log "down"
}

# What up changes on the machine and down must put back, in a form to compare: iptables and
# ip6tables rules, network links, mounts, network namespaces, the sysctls, the kubelet's
# cgroups and the daemons' processes. scripts/test.sh compares it before up and after down.
footprint() {
  # Each line may find nothing; that is an answer, not a failure.
  set +e
  iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  ip6tables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  ip -o link show | awk '{print "link", $2}'
  # buildah's own storage mounts come and go with image builds: not the cluster's.
  awk '{print "mount", $2}' /proc/mounts | grep -v '^mount /proc/\|^mount /var/lib/containers/'
  ls /run/netns 2>/dev/null | sed 's/^/netns /'
  local s
  for s in "${sysctls[@]}"; do [[ -e "/proc/sys/${s//.//}" ]] && echo "sysctl $s=$(sysctl -n "$s")"; done
  ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null | sed 's/^/cgroup /'
  ps -eo comm= | grep -E '^(etcd|kube-apiserver|kube-controller|kube-scheduler|kubelet|kube-proxy|containerd|containerd-shim|pause)$' | sort | sed 's/^/process /'
  set -e
}

status() {
  [[ -d "$state" ]] || { echo "not up ($state)"; return 3; }
  local d code=0
  for d in "${daemons[@]}"; do
    if running "$d"; then echo "$d: running (pid $(cat "$state/pids/$d"))"; else echo "$d: NOT RUNNING (log: $state/logs/$d.log)"; code=1; fi
  done
  bin="$(cat "$state/bin")"
  kubectl_admin get nodes -o wide || code=1
  return "$code"
}

case "${1:-}" in
  up) up ;;
  down) require; down ;;
  status) status ;;
  footprint) footprint ;;
  kubeconfig) [[ -f "$state/kubeconfig" ]] || die "not up ($state)"; echo "$state/kubeconfig" ;;
  env)
    [[ -f "$state/kubeconfig" ]] || die "not up ($state)"
    ip="$(cat "$state/node-ip")"
    echo "CLUSTER_KUBECONFIG=$state/kubeconfig"
    echo "CLUSTER_NODE_IP=$ip"
    echo "CLUSTER_NODE_NAME=$node_name"
    echo "CLUSTER_ISSUER=https://$ip:$apiserver_port"
    echo "CLUSTER_CA=$state/pki/ca.crt"
    echo "CLUSTER_SERVICE_CIDR=$service_cidr"
    echo "CLUSTER_POD_CIDR=$pod_cidr"
    echo "CLUSTER_KUBECTL=$(cat "$state/bin")/kubectl"
    ;;
  import)
    shift
    (( $# > 0 )) || die "usage: scripts/cluster.sh import IMAGE.tar..."
    running containerd || die "not up ($state)"
    for archive in "$@"; do
      ctr --address "$containerd_socket" -n k8s.io images import "$archive" >&2
    done
    ;;
  tag)
    (( $# == 3 )) || die "usage: scripts/cluster.sh tag IMAGE NEW_NAME"
    running containerd || die "not up ($state)"
    ctr --address "$containerd_socket" -n k8s.io images tag --force "$2" "$3" >&2
    ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
