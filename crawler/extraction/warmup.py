"""Importing this module loads what extraction loads lazily (py3langid's model, about half a
second), so the extraction pool's fork server can do it once for every worker it starts.

It then freezes the garbage collector's view of everything loaded so far: the collector would
otherwise visit (and so write to) every object of the model in each worker, copying on write
pages the workers could share with the fork server.
"""

import gc

import py3langid

py3langid.classify("Pantau memantau berita pekerja migran Indonesia.")
gc.collect()
gc.freeze()
