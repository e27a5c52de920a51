"""carepool's web service: server-rendered pages and a JSON API on the same services as the CLI."""

from carepool.web.app import create_app

__all__ = ["create_app"]
