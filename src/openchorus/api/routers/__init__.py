"""One router per real API (`/cpro/<api>/v1/…`), each a `CproRouter`."""
