"""The container health check (exec form, no shell): GET /healthz on 127.0.0.1; exit 0 when it answers 200, else 1."""

import os
import sys
import urllib.request

PORT = int(os.environ.get("PORT", "3000"))

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:
    sys.exit(1)
