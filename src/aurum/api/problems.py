"""Errors as RFC 9457 problem JSON (`type`, `title`, `status`, `detail`), never a stack trace."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
VALIDATION_TYPE = "urn:aurum:problem:validation"
TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
          413: "Content Too Large", 415: "Unsupported Media Type"}  # fmt: skip


class FieldError(BaseModel):
    path: str
    message: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type_: str = "about:blank",
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.type = status, title, detail, type_
        self.errors = errors
        self.headers = headers


def not_found(what: str) -> ProblemError:
    return ProblemError(404, "Not Found", f"{what} does not exist")


def validation_error(errors: list[tuple[str, str]], detail: str) -> ProblemError:
    return ProblemError(422, "Invalid request", detail, type_=VALIDATION_TYPE, errors=errors)


def _response(request: Request, problem: Problem, headers: dict[str, str] | None = None):
    problem.instance = request.url.path
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def _pydantic_path(loc: tuple[Any, ...]) -> str:
    # FastAPI prefixes where the value came from; the field's own name is what a client fixes.
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first
    route's, and GET and POST /v1/scenarios are two routes)."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for route in request.app.router.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError):
        errors = [FieldError(path=p, message=m) for p, m in exc.errors] if exc.errors else None
        problem = Problem(
            type=exc.type, title=exc.title, status=exc.status, detail=exc.detail, errors=errors
        )
        return _response(request, problem, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [
            # A JSON syntax error's loc is a character offset, not a field.
            FieldError(path="", message=f"invalid JSON: {e.get('ctx', {}).get('error', e['msg'])}")
            if e["type"] == "json_invalid"
            else FieldError(path=_pydantic_path(tuple(e["loc"])), message=e["msg"])
            for e in exc.errors()
        ]
        problem = Problem(
            type=VALIDATION_TYPE,
            title="Invalid request",
            status=422,
            detail=f"{len(errors)} invalid field(s)",
            errors=errors,
        )
        return _response(request, problem)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's answer to a body that is not UTF-8: invalid JSON like any other.
            return await _invalid(
                request,
                RequestValidationError(
                    [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error",
                      "ctx": {"error": "the body is not UTF-8"}}]
                ),
            )  # fmt: skip
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        title = TITLES.get(exc.status_code, "Error")
        problem = Problem(title=title, status=exc.status_code, detail=str(exc.detail))
        return _response(request, problem, headers)

    # Unexpected errors (500) and an unreachable database (503) are answered by
    # aurum.api.guard, outside FastAPI: Starlette's own handler for Exception re-raises
    # after answering, and uvicorn then drops the keep-alive connection unannounced.
