"""A fake Jump Desktop API behind ``httpx.MockTransport``."""

from dataclasses import dataclass, field

import httpx

from server.jumpdesktop import JumpDesktopClient

# Looks like a real token so that a leak would be easy to spot anywhere.
TOKEN = "jdt_live_Zq8sK2vW9xR4mN7pL3cT6yB1"
BASE_URL = "https://api.test/v1"

Answer = httpx.Response | Exception


@dataclass
class FakeApi:
    """Serves ``answers`` in order (the last one repeats) and keeps every
    request it was sent."""

    answers: list[Answer]
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer

        return answer

    def client(self, **options) -> JumpDesktopClient:
        options.setdefault("transport", httpx.MockTransport(self.handle))
        base_url = options.pop("base_url", BASE_URL)
        return JumpDesktopClient(options.pop("token", TOKEN), base_url, **options)


def api_error(
    status: int, detail: str = "something went wrong", headers: dict | None = None
) -> httpx.Response:
    """An answer in the API's documented error shape."""

    body = {"errors": [{"code": "error", "detail": detail, "status": status}]}
    return httpx.Response(status, json=body, headers=headers)
