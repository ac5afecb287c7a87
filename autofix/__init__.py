"""autofix: upgrade LiteLLM proxy config files in place, keeping every comment."""

__version__ = "0.1.0"
