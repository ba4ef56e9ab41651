"""URL identity: one article, one URL, whatever tracking parameters or variant a link carried."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

# Query parameters that select an AMP rendering of the same article.
_AMP_PARAMS = {"amp", "amp_js_v", "usqp", "outputtype", "_amp", "amp_gsa"}
# Host prefixes of mobile and AMP renderings: m.detik.com is news.detik.com's article too, but
# which host is the "real" one differs per site, so the variant maps to www.
_VARIANT_HOSTS = re.compile(r"^(?:m|mobile|amp)\.")


def canonical_url(url: str) -> str:
    """The URL Pantau files an article under.

    Normalised by courlan (scheme and host case, default ports, fragments, tracking parameters
    such as utm_*), and AMP and mobile variants mapped to the plain page: ``/amp/`` path
    segments, ``?amp=1`` / ``?outputType=amp``, and ``m.``/``mobile.``/``amp.`` hosts. A page's
    own ``rel=canonical`` still has the last word once it is fetched.
    """
    try:
        normal = str(normalize_url(url))
    except ValueError:
        return url
    parts = urlsplit(normal)
    host = _VARIANT_HOSTS.sub("www.", parts.netloc)
    segments = parts.path.split("/")
    path = "/".join(s for i, s in enumerate(segments) if s.lower() != "amp" or i == 0)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k.lower() not in _AMP_PARAMS])
    return urlunsplit((parts.scheme, host, path or "/", query, ""))
