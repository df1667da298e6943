"""Mint a development token with the configured HS256 secret (AURUM_JWT_SECRET).

aurum-token --tenant acme [--subject alice] [--ttl 3600]
"""

from __future__ import annotations

import argparse
import time

import jwt

from aurum.api.auth import TENANT_CLAIM
from aurum.settings import Settings


def mint_token(
    settings: Settings, tenant_id: str, subject: str = "dev", ttl_seconds: int = 3600
) -> str:
    if settings.jwt_secret is None:
        raise SystemExit("AURUM_JWT_SECRET is not set")
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        TENANT_CLAIM: tenant_id,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-token", description=__doc__.split("\n")[0])
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--subject", default="dev")
    parser.add_argument("--ttl", type=int, default=3600)
    args = parser.parse_args(argv)
    print(mint_token(Settings(), args.tenant, args.subject, args.ttl))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
