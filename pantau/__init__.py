"""Pantau watches labour-ministry and news sites for labour-migration stories, archives them
in SQLite and alerts your chat. This package is the shell: CLI, config, pipeline and demo."""

import logging

__version__ = "0.1.0"
__all__ = ["__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
