"""What webhook tests send: Subscription messages, Pub/Sub push envelopes, Google-style OIDC
tokens signed with a key pair the test makes (no network), and a service whose PORT setting is
the port it really listens on (the demo registers webhooks against HOST/PORT)."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa

from app.ctp.json import Json

SECRET = "test-webhook-secret-0123456789-abcdefghijkl"
AUDIENCE = "https://bff.example.com/webhooks/events"
ISSUER = "https://accounts.google.com"
SERVICE_ACCOUNT = "pubsub-push@example-project.iam.gserviceaccount.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def message(
    message_type: str,
    resource_type: str,
    resource_id: str,
    *,
    sequence_number: int = 1,
    message_id: str | None = None,
    created_at: str = "2026-01-01T10:00:00.000Z",
    **payload: Any,
) -> Json:
    """A MessageDeliveryPayload as commercetools delivers it (Platform format)."""
    return {
        "notificationType": "Message",
        "projectKey": "demo",
        "id": message_id or str(uuid.uuid4()),
        "version": 1,
        "sequenceNumber": sequence_number,
        "resource": {"typeId": resource_type, "id": resource_id},
        "resourceVersion": sequence_number,
        "type": message_type,
        "createdAt": created_at,
        "lastModifiedAt": created_at,
        **payload,
    }


def envelope(payload: Json | None, *, data: str | None = None, pubsub_id: str = "1") -> Json:
    """A Google Pub/Sub push request body carrying `payload` (or raw `data`)."""
    inner: Json = {"messageId": pubsub_id, "publishTime": "2026-01-01T10:00:00.000Z"}
    if payload is not None:
        inner["data"] = base64.b64encode(json.dumps(payload).encode()).decode()
    if data is not None:
        inner["data"] = data
    return {"message": inner, "subscription": "projects/p/subscriptions/ctp-bff-events-push"}


@dataclass
class SigningKey:
    """An RSA key pair standing in for Google's: its JWKS goes where PUBSUB_JWKS_FILE points."""

    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls, kid: str = "test-key-1") -> SigningKey:
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwks(self) -> Json:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def write_jwks(self, path: Path) -> Path:
        path.write_text(json.dumps(self.jwks()))
        return path

    def token(self, *, lifetime: float = 3600, **claims: Any) -> str:
        now = int(time.time())
        body: Json = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + int(lifetime),
            "email": SERVICE_ACCOUNT,
            "email_verified": True,
            "sub": "1234567890",
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, self.private, algorithm="RS256", headers={"kid": self.kid})


class OwnPortServer:
    """uvicorn on a loopback socket bound before the app is built, so that the app's settings
    can name the port it will be reached at."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, app: Any, timeout: float = 15.0) -> OwnPortServer:
        config = uvicorn.Config(app, log_level="warning", lifespan="on", log_config=None)
        self._server = server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
        self._socket.close()
