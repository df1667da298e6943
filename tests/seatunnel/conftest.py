"""Fixtures for the SeaTunnel template tests."""

from __future__ import annotations

import pytest

from aurum.seatunnel.render import template_names


@pytest.fixture(params=template_names())
def template_name(request) -> str:
    return request.param
