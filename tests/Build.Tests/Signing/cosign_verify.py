#!/usr/bin/env python3
"""An independent check of cosign-format signatures and attestations, written from cosign's published specs
(specs/SIGNATURE_SPEC.md, specs/ATTESTATION_SPEC.md, the DSSE envelope and its PAE), not from the product's code.

It reads everything from the registry over HTTP itself and checks with Python's `cryptography`:

  cosign_verify.py signature    --registry H:P --repository R --key pub.pem --reference TAG|DIGEST [--identity H:P/R]
  cosign_verify.py attestations --registry H:P --repository R --key pub.pem --reference TAG|DIGEST
                                [--platform linux/amd64] [--version 3.11] [--dockerfile-sha256 HEX] [--base REF=DIGEST]...
                                [--commit SHA] [--python 3.11]

Exit 0 and "OK ..." lines when every check passes; exit 1 with "FAIL: ..." lines naming what differs otherwise.
REGISTRY_USERNAME / REGISTRY_PASSWORD (environment) log in with HTTP Basic.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

MANIFEST_TYPES = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
DSSE = "application/vnd.dsse.envelope.v1+json"
IN_TOTO = "application/vnd.in-toto+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
SLSA_V1 = "https://slsa.dev/provenance/v1"
CYCLONEDX = "https://cyclonedx.org/bom"


class Registry:
    def __init__(self, host, repository):
        self.base = f"http://{host}/v2/{repository}"
        user, password = os.environ.get("REGISTRY_USERNAME"), os.environ.get("REGISTRY_PASSWORD")
        self.auth = None
        if user and password:
            self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def get(self, path, accept=None):
        request = urllib.request.Request(self.base + path)
        if accept:
            request.add_header("Accept", accept)
        if self.auth:
            request.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read(), response.headers
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None, None
            raise

    def manifest(self, reference):
        body, headers = self.get(f"/manifests/{reference}", MANIFEST_TYPES)
        if body is None:
            return None, None
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        claimed = headers.get("Docker-Content-Digest")
        if claimed and claimed != digest:
            raise SystemExit(f"FAIL: the registry says {reference} is {claimed}, its bytes hash to {digest}")
        return json.loads(body), digest

    def blob(self, digest):
        body, _ = self.get(f"/blobs/{digest}")
        if body is None:
            raise SystemExit(f"FAIL: blob {digest} is missing")
        if "sha256:" + hashlib.sha256(body).hexdigest() != digest:
            raise SystemExit(f"FAIL: blob {digest} does not hash to its digest")
        return body


def verifies(key, signature, message):
    try:
        key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def pae(payload_type, payload):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def check_signature(registry, key, digest, identity):
    sig, _ = registry.manifest(digest.replace(":", "-") + ".sig")
    if sig is None:
        return [f"{digest} is not signed: no {digest.replace(':', '-')}.sig in the repository"]
    problems = []
    for layer in sig.get("layers", []):
        if layer.get("mediaType") != SIMPLE_SIGNING:
            continue
        payload = registry.blob(layer["digest"])
        try:
            signature = base64.b64decode(layer.get("annotations", {}).get(SIGNATURE_ANNOTATION, ""), validate=True)
        except ValueError:
            problems.append(f"layer {layer['digest']}: the signature annotation is not base64")
            continue
        if not verifies(key, signature, payload):
            problems.append(f"layer {layer['digest']}: the signature does not verify with the public key")
            continue
        critical = json.loads(payload)["critical"]
        if critical.get("type") != "cosign container image signature":
            problems.append(f"layer {layer['digest']}: critical.type is {critical.get('type')!r}")
        elif critical["image"]["docker-manifest-digest"] != digest:
            problems.append(f"layer {layer['digest']}: the payload names digest {critical['image']['docker-manifest-digest']}, not {digest}")
        elif identity and critical["identity"]["docker-reference"] != identity:
            problems.append(f"layer {layer['digest']}: the payload names {critical['identity']['docker-reference']}, not {identity}")
        else:
            return []
    return problems or [f"{digest}: its .sig holds no simple-signing layer"]


def verified_statements(registry, key, digest):
    att, _ = registry.manifest(digest.replace(":", "-") + ".att")
    if att is None:
        return {}, [f"{digest} has no attestations: no {digest.replace(':', '-')}.att in the repository"]
    statements, problems = {}, []
    for layer in att.get("layers", []):
        if layer.get("mediaType") != DSSE:
            problems.append(f"layer {layer['digest']} is a {layer.get('mediaType')}, not a DSSE envelope")
            continue
        envelope = json.loads(registry.blob(layer["digest"]))
        payload = base64.b64decode(envelope["payload"])
        if envelope.get("payloadType") != IN_TOTO:
            problems.append(f"layer {layer['digest']}: payloadType {envelope.get('payloadType')}")
            continue
        if not any(verifies(key, base64.b64decode(s["sig"]), pae(envelope["payloadType"], payload)) for s in envelope.get("signatures", [])):
            problems.append(f"layer {layer['digest']}: no DSSE signature verifies with the public key")
            continue
        statement = json.loads(payload)
        if statement.get("_type") != "https://in-toto.io/Statement/v1":
            problems.append(f"layer {layer['digest']}: _type {statement.get('_type')}")
            continue
        if not any("sha256:" + s.get("digest", {}).get("sha256", "") == digest for s in statement.get("subject", [])):
            problems.append(f"layer {layer['digest']}: the statement's subject is not {digest}")
            continue
        if layer.get("annotations", {}).get("predicateType") != statement.get("predicateType"):
            problems.append(f"layer {layer['digest']}: the predicateType annotation differs from the statement's")
            continue
        statements.setdefault(statement["predicateType"], statement["predicate"])
    return statements, problems


def check_attestations(registry, key, digest, args):
    statements, problems = verified_statements(registry, key, digest)
    provenance, sbom = statements.get(SLSA_V1), statements.get(CYCLONEDX)
    if provenance is None:
        return problems + [f"{digest}: no verified SLSA v1 provenance"]
    if sbom is None:
        return problems + [f"{digest}: no verified CycloneDX SBOM"]
    definition = provenance["buildDefinition"]
    dependencies = definition.get("resolvedDependencies", [])
    by_role = lambda role: [d for d in dependencies if d.get("annotations", {}).get("role") == role]
    found = []
    if args.platform and definition["externalParameters"].get("platform") != args.platform:
        found.append(f"provenance platform {definition['externalParameters'].get('platform')}, expected {args.platform}")
    if args.version and definition["externalParameters"]["matrix"].get("version") != args.version:
        found.append(f"provenance version {definition['externalParameters']['matrix'].get('version')}, expected {args.version}")
    if args.dockerfile_sha256 and [d["digest"].get("sha256") for d in by_role("dockerfile")] != [args.dockerfile_sha256]:
        found.append(f"provenance Dockerfile digests {[d['digest'] for d in by_role('dockerfile')]}, expected sha256 {args.dockerfile_sha256}")
    for expected in args.base or []:
        reference, wanted = expected.split("=", 1)
        got = ["sha256:" + d.get("digest", {}).get("sha256", "") for d in by_role("base") if d.get("name") == reference]
        if got != [wanted]:
            found.append(f"provenance base {reference} resolved to {got}, expected {wanted}")
    if args.commit and [d["digest"].get("gitCommit") for d in by_role("source")] != [args.commit]:
        found.append(f"provenance commit {[d['digest'].get('gitCommit') for d in by_role('source')]}, expected {args.commit}")
    if not provenance.get("runDetails", {}).get("builder", {}).get("id"):
        found.append("provenance has no runDetails.builder.id")
    if sbom.get("bomFormat") != "CycloneDX" or tuple(int(p) for p in sbom.get("specVersion", "0.0").split(".")) < (1, 5):
        found.append(f"SBOM is {sbom.get('bomFormat')} {sbom.get('specVersion')}, expected CycloneDX 1.5+")
    if args.python:
        names = {"python" + args.python, "python3"}
        pythons = [c for c in sbom.get("components", []) if c.get("name") in names
                   and c.get("version", "").split(":")[-1].startswith(args.python + ".")
                   and c.get("purl", "").startswith(("pkg:deb/", "pkg:rpm/"))]
        if not pythons:
            found.append(f"SBOM lists no python{args.python} / python3 package at {args.python}.x")
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("check", choices=["signature", "attestations"])
    parser.add_argument("--registry", required=True)
    parser.add_argument("--repository", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--identity")
    parser.add_argument("--platform")
    parser.add_argument("--version")
    parser.add_argument("--dockerfile-sha256")
    parser.add_argument("--base", action="append")
    parser.add_argument("--commit")
    parser.add_argument("--python")
    args = parser.parse_args()

    with open(args.key, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise SystemExit("FAIL: the key is not an ECDSA P-256 public key")

    registry = Registry(args.registry, args.repository)
    manifest, digest = registry.manifest(args.reference)
    if manifest is None:
        raise SystemExit(f"FAIL: {args.repository}:{args.reference} is not in the registry")

    if args.check == "signature":
        problems = check_signature(registry, key, digest, args.identity or f"{args.registry}/{args.repository}")
    else:
        problems = check_attestations(registry, key, digest, args)
    for problem in problems:
        print(f"FAIL: {args.repository}:{args.reference} ({digest}): {problem}")
    if problems:
        sys.exit(1)
    print(f"OK {args.check} {args.repository}:{args.reference} {digest}")


if __name__ == "__main__":
    main()
