"""The `auth` kind: password hashing, tokens and one dependency per actor, ``app/auth/``."""

from autobe_core.generate.kinds.auth.generator import plan

__all__ = ["plan"]
