"""carepool exchange package."""
