"""Downloader middlewares of Pantau's crawls, in the order ``DOWNLOADER_MIDDLEWARES`` runs them:
the address guard, conditional GET for entry points, and politeness (crawl-delay, Retry-After)."""
