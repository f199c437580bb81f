#!/usr/bin/env bash
# Writes the TLS fixtures that @hearth/comm's tests use into libs/comm/fixtures/tls/:
#   ca.crt/ca.key                   test CA (CN=Hearth Test CA)
#   server.crt/server.key           CN=server, SANs DNS:localhost and IP:127.0.0.1, serverAuth
#   site-1.crt/.key, site-2.crt/.key client certificates (CN=site-1, CN=site-2), clientAuth
#   other-ca.crt/other-ca.key       an unrelated CA (CN=Hearth Other CA)
#   other-site-1.crt/.key           CN=site-1 issued by the other CA: a client that must be refused
# All keys are ECDSA P-256, all certificates are valid for 20 years. These are test-only keys: they are
# committed on purpose and must never protect anything real. Tests read the files; they never run openssl.
# Usage: tools/dev/make-test-certs.sh [output-dir]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/libs/comm/fixtures/tls}"
days=7305
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$1"
}

new_ca() { # name key subject
  new_key "$out/$2"
  cat > "$work/$1.ext" <<CONF
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CONF
  openssl req -new -x509 -key "$out/$2" -subj "$3" -days "$days" -sha256 \
    -extensions v3_ca -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n[v3_ca]\n'; cat "$work/$1.ext") \
    -out "$out/$1"
}

new_leaf() { # name ca-cert ca-key cn usage [san]
  local name="$1" ca_cert="$2" ca_key="$3" cn="$4" usage="$5" san="${6:-}"
  new_key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "/O=Hearth Test/CN=$cn" -out "$work/$name.csr"
  {
    echo 'basicConstraints = critical, CA:false'
    echo 'keyUsage = critical, digitalSignature'
    echo "extendedKeyUsage = $usage"
    echo 'subjectKeyIdentifier = hash'
    echo 'authorityKeyIdentifier = keyid'
    if [ -n "$san" ]; then echo "subjectAltName = $san"; fi
  } > "$work/$name.ext"
  openssl x509 -req -in "$work/$name.csr" -CA "$out/$ca_cert" -CAkey "$out/$ca_key" -set_serial "0x$(openssl rand -hex 16)" \
    -days "$days" -sha256 -extfile "$work/$name.ext" -out "$out/$name.crt"
}

new_ca ca.crt ca.key '/O=Hearth Test/CN=Hearth Test CA'
new_leaf server ca.crt ca.key server serverAuth 'DNS:localhost, IP:127.0.0.1'
new_leaf site-1 ca.crt ca.key site-1 clientAuth
new_leaf site-2 ca.crt ca.key site-2 clientAuth
new_ca other-ca.crt other-ca.key '/O=Hearth Test/CN=Hearth Other CA'
new_leaf other-site-1 other-ca.crt other-ca.key site-1 clientAuth

chmod 644 "$out"/*.crt "$out"/*.key
for cert in server site-1 site-2; do openssl verify -CAfile "$out/ca.crt" "$out/$cert.crt" > /dev/null; done
openssl verify -CAfile "$out/other-ca.crt" "$out/other-site-1.crt" > /dev/null
echo "wrote test certificates to $out"
