"""Importing this module loads what extraction loads lazily (py3langid's model, about half a
second), so the extraction pool's fork server can do it once for every worker it starts."""

import py3langid

py3langid.classify("Pantau memantau berita pekerja migran Indonesia.")
