"""The offline demo: a bundled ministry and news site, a local chat receiver, one command."""
