"""``python -m server.sandbox [--host HOST] [--port PORT]``: serve the demo world."""

import argparse

from .serving import serve


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m server.sandbox",
        description="Serve a simulated Jump Desktop Cloud API on a loopback address.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    serve(args.host, args.port)


if __name__ == "__main__":
    main()
