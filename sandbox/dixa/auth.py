"""Dixa's Authorization header, in every form its documentation and clients use."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox.wire import Request


def token_authenticator(token: str) -> Callable[[Request], str | None]:
    """Accept `Bearer <t>`, the raw token, and Basic `bearer:<t>`; return the caller."""

    def authenticate(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, credentials = header.partition(" ")
        if header == token or (scheme.lower() == "bearer" and credentials == token):
            return token
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None
            user, _, password = decoded.partition(":")
            if user.lower() == "bearer" and password == token:
                return token
        return None

    return authenticate
