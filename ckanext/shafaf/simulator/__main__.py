"""`python -m ckanext.shafaf.simulator --port 8770`: the demo's simulated sources.

Runs the combined app (portals + member CKAN catalogues) until killed and
prints its base URL first, so scripts can wait for that line.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from ckanext.shafaf.simulator.combined import Simulator, parse_catalogues
from ckanext.shafaf.simulator.server import base_url, make_simulator_server

DEFAULT_CATALOGUES = "tabriz,maragheh:stock"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ckanext.shafaf.simulator",
                                     description="Simulated municipal portals and CKAN catalogues.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8770, help="0 picks a free port")
    parser.add_argument("--ckan-datasets", type=int, default=100, metavar="N",
                        help="datasets per member catalogue")
    parser.add_argument("--catalogues", default=DEFAULT_CATALOGUES,
                        help="comma list of name[:shape], shape shafaf (default) or stock")
    parser.add_argument("--hold-seconds", type=float, default=None,
                        help="how long the timeout fault holds a response (default 5)")
    args = parser.parse_args(argv)
    app = Simulator(parse_catalogues(args.catalogues), args.ckan_datasets,
                    hold_seconds=args.hold_seconds)
    server = make_simulator_server(app, args.host, args.port)
    print(base_url(server), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
