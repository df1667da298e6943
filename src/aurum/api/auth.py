"""Bearer JWT authentication: signature, issuer, audience and expiry checked; the token's
`tenant_id` claim scopes every read and write. Keys come only from the environment
(AURUM_JWT_SECRET for HS256, or AURUM_JWT_PUBLIC_KEY, a PEM, for RS256/ES256)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aurum.api.problems import ProblemError
from aurum.settings import Settings

TENANT_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# `sub` is stored as created_by/requested_by: printable, bounded (a NUL byte in it
# reached PostgreSQL as a DataError, a 500).
SUBJECT_PATTERN = re.compile(r"[^\x00-\x1f\x7f]{1,256}")
TENANT_CLAIM = "tenant_id"
_bearer = HTTPBearer(auto_error=False, description="JWT with a `tenant_id` claim")


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    subject: str


class TokenVerifier:
    def __init__(self, settings: Settings):
        if settings.jwt_public_key:
            self._key: str = settings.jwt_public_key
            self._algorithms = ["RS256", "ES256"]
        elif settings.jwt_secret is not None:
            self._key = settings.jwt_secret.get_secret_value()
            self._algorithms = ["HS256"]
        else:
            raise RuntimeError(
                "no JWT key configured: set AURUM_JWT_SECRET (HS256) or AURUM_JWT_PUBLIC_KEY"
            )
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_seconds

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=self._algorithms,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud", "sub", TENANT_CLAIM]},
            )
        except jwt.PyJWTError as exc:
            raise _unauthorized(f"invalid token: {exc}") from exc
        tenant = claims[TENANT_CLAIM]
        if not isinstance(tenant, str) or not TENANT_PATTERN.fullmatch(tenant):
            raise _unauthorized("invalid token: tenant_id must match [A-Za-z0-9_.-]{1,64}")
        subject = claims["sub"]
        if not isinstance(subject, str) or not SUBJECT_PATTERN.fullmatch(subject):
            raise _unauthorized("invalid token: sub must be 1-256 printable characters")
        return Principal(tenant_id=tenant, subject=subject)


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="aurum"'}
    )


def bearer_token(header: bytes | str | None) -> str:
    """The token of an `Authorization: Bearer …` header value; 401 otherwise."""
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("a bearer token is required")
    return token.strip()


def principal(
    request: Request,
    # Declares the scheme in the OpenAPI document; the guard has already checked it.
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, as authenticated by `aurum.api.guard` before the body was read."""
    found = request.scope.get("state", {}).get("principal")
    if found is None:
        auth = request.headers.get("authorization")
        found = request.app.state.verifier.verify(bearer_token(auth))
    return found


CurrentPrincipal = Annotated[Principal, Depends(principal)]
