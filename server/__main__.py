"""The `jumpdesktop-mcp` command: serve MCP over stdio or HTTP, or run the sandbox."""

import argparse
import logging
import sys

from server import __version__
from server.settings import Settings, SettingsError, load_settings, url_host

TERMINAL_HINT = """\
jumpdesktop-mcp {version}: an MCP server for Jump Desktop; it speaks JSON-RPC on \
stdin/stdout and waits for an MCP client.
Connect it from a client (claude mcp add jumpdesktop -- jumpdesktop-mcp), or run \
`jumpdesktop-mcp --demo --transport http` and open http://127.0.0.1:8787/mcp."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "sandbox":
        return _sandbox(args)

    try:
        settings = load_settings(
            transport=args.transport,
            host=args.host,
            port=args.port,
            demo=args.demo or None,
            config=args.config,
            log_level=args.log_level,
            read_only=False if args.allow_writes else None,
        )
    except SettingsError as exc:
        print(f"jumpdesktop-mcp: {exc}", file=sys.stderr)
        return 2

    _log_to_stderr(settings.log_level)
    # Imported after logging is set up: the SDK configures logging on import
    # of a server only when nothing else has.
    from server.app import build_server

    server = build_server(settings)
    if settings.transport == "http":
        from server.http import serve_http

        _announce_http(settings)
        serve_http(server, settings)
        return 0

    if sys.stdin.isatty():
        print(TERMINAL_HINT.format(version=__version__), file=sys.stderr)
    server.run("stdio")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jumpdesktop-mcp",
        description="An MCP server for a Jump Desktop for Teams account.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--transport", choices=["stdio", "http"])
    parser.add_argument("--host", help="HTTP: address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="HTTP: port (default 8787)")
    parser.add_argument(
        "--demo", action="store_true", help="serve the embedded sandbox team"
    )
    parser.add_argument("--config", help="JSON config file (see config.example.json)")
    parser.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], type=str.upper
    )
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        help="offer the tools that change a team (each asks for confirmation)",
    )

    commands = parser.add_subparsers(dest="command")
    sandbox = commands.add_parser(
        "sandbox", help="serve the simulated Jump Desktop API on loopback"
    )
    sandbox.add_argument("--port", type=int, default=8765)
    return parser


def _sandbox(args: argparse.Namespace) -> int:
    _log_to_stderr("INFO")
    from server.sandbox import serve

    serve(port=args.port)
    return 0


def _log_to_stderr(level: str) -> None:
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # The API client logs each request once, by path template; httpx's own
    # line would repeat it with every id filled in.
    logging.getLogger("httpx").setLevel(
        max(logging.WARNING, logging.getLevelName(level))
    )


def _announce_http(settings: Settings) -> None:
    url = f"http://{url_host(settings.host)}:{settings.port}/mcp"
    print(
        f"jumpdesktop-mcp {__version__} serving MCP at {url}\n"
        f"  Claude Code: claude mcp add --transport http jumpdesktop {url}\n"
        f"  Inspector:   npx @modelcontextprotocol/inspector --cli {url} "
        "--method tools/list",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
