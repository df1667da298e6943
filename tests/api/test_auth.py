"""Token verification without a server: every claim the API relies on is checked."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from aurum.api.auth import TokenVerifier
from aurum.api.problems import ProblemError
from aurum.settings import Settings

SECRET = "a-test-secret-that-is-at-least-32-bytes-long"


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {"iss": "aurum", "aud": "aurum-api", "sub": "alice", "tenant_id": "acme",
            "iat": now, "exp": now + 300}  # fmt: skip
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def hs256(**overrides) -> str:
    return jwt.encode(claims(**overrides), SECRET, algorithm="HS256")


@pytest.fixture
def verifier() -> TokenVerifier:
    return TokenVerifier(Settings(jwt_secret=SECRET))


def test_a_valid_token_gives_tenant_and_subject(verifier: TokenVerifier) -> None:
    principal = verifier.verify(hs256())
    assert (principal.tenant_id, principal.subject) == ("acme", "alice")


@pytest.mark.parametrize(
    ("token_overrides", "reason"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": "other-api"}, "audience"),
        ({"iss": "someone-else"}, "issuer"),
        ({"tenant_id": None}, "tenant_id"),
        ({"sub": None}, "sub"),
        ({"exp": None}, "exp"),
        ({"tenant_id": "../etc"}, "tenant_id must match"),
        ({"tenant_id": 42}, "tenant_id must match"),
    ],
)
def test_bad_claims_are_401(verifier: TokenVerifier, token_overrides: dict, reason: str) -> None:
    with pytest.raises(ProblemError) as caught:
        verifier.verify(hs256(**token_overrides))
    assert caught.value.status == 401
    assert reason.lower() in caught.value.detail.lower()
    assert caught.value.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_signature_and_algorithm_none_are_refused(verifier: TokenVerifier) -> None:
    forged = jwt.encode(claims(), "another-secret-that-is-also-32-bytes-long!", algorithm="HS256")
    unsigned = jwt.encode(claims(), None, algorithm="none")
    for token in (forged, unsigned, "not.a.jwt"):
        with pytest.raises(ProblemError):
            verifier.verify(token)


def test_rs256_public_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    monkeypatch.setenv("AURUM_JWT_PUBLIC_KEY", public_pem)
    verifier = TokenVerifier(Settings())
    token = jwt.encode(claims(tenant_id="globex"), private, algorithm="RS256")
    assert verifier.verify(token).tenant_id == "globex"
    # An HS256 token signed with the public key text must not pass (key confusion).
    with pytest.raises(ProblemError):
        verifier.verify(jwt.encode(claims(), "x" * 64, algorithm="HS256"))


def test_no_key_configured_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AURUM_JWT_SECRET", raising=False)
    monkeypatch.delenv("AURUM_JWT_PUBLIC_KEY", raising=False)
    with pytest.raises(RuntimeError, match="AURUM_JWT_SECRET"):
        TokenVerifier(Settings())
