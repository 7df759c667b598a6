"""A stand-in of GOV.UK Notify's text message API, for the demo: the two
calls the server makes (send an SMS; find messages by reference), on
loopback, each call's token checked as Notify checks it. Every text it
takes is written as a file to the folder given, so the demo's texts can be
read; nothing is sent anywhere.

Usage: python3 scripts/notify_standin.py PORT FOLDER API_KEY
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT, FOLDER, API_KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
SERVICE_ID, SECRET = API_KEY[-73:-37], API_KEY[-36:]
os.makedirs(FOLDER, exist_ok=True)
SENT = {}  # reference -> notification id


def unpadded(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def authorised(header):
    if not header or not header.startswith("Bearer "):
        return False
    parts = header[len("Bearer "):].split(".")
    if len(parts) != 3:
        return False
    signed = f"{parts[0]}.{parts[1]}".encode()
    expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).digest()
    try:
        claims = json.loads(unpadded(parts[1]))
        good = hmac.compare_digest(expected, unpadded(parts[2]))
    except ValueError:
        return False
    return good and claims.get("iss") == SERVICE_ID and abs(time.time() - claims.get("iat", 0)) < 30


class Notify(BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        if urlparse(self.path).path != "/v2/notifications/sms":
            return self.answer(404, {"errors": [{"error": "NotFound"}]})
        if not authorised(self.headers.get("authorization")):
            return self.answer(403, {"status_code": 403, "errors": [{"error": "AuthError", "message": "Invalid token"}]})
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        reference = body.get("reference", "")
        notification = str(uuid.uuid4())
        SENT[reference] = notification
        with open(os.path.join(FOLDER, f"{time.time():.6f}-{notification}.txt"), "w") as out:
            out.write(f"To: {body.get('phone_number')}\nReference: {reference}\n\n{body.get('personalisation', {}).get('body', '')}\n")
        self.answer(201, {"id": notification, "reference": reference})

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/v2/notifications":
            return self.answer(404, {"errors": [{"error": "NotFound"}]})
        if not authorised(self.headers.get("authorization")):
            return self.answer(403, {"status_code": 403, "errors": [{"error": "AuthError"}]})
        reference = parse_qs(url.query).get("reference", [""])[0]
        found = [{"id": SENT[reference], "reference": reference}] if reference in SENT else []
        self.answer(200, {"notifications": found})

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Notify).serve_forever()
