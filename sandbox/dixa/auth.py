"""Dixa's Authorization header, in every form its documentation and clients use."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox.wire import Request


def token_authenticator(token: str, *, basic: bool = True) -> Callable[[Request], str | None]:
    """Accept `Bearer <t>`, the raw token and (if `basic`) Basic `bearer:<t>`; return the caller.

    The Exports API documents all three; the Dixa API (dev.dixa.io) the first two.
    """

    def authenticate(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, credentials = header.partition(" ")
        if header == token or (scheme.lower() == "bearer" and credentials == token):
            return token
        if basic and scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None
            user, _, password = decoded.partition(":")
            if user.lower() == "bearer" and password == token:
                return token
        return None

    return authenticate
