"""axys-mock from Python with the standard library only: start it (or join the one `axys-mock exec`
started), read its ready JSON, and call the platform API over mutual TLS.

    info = axys_mock.ready()                 # under `npx axys-mock exec -- ...`: the running mock
    ctx = axys_mock.ssl_context(info)        # trusts the mock's CA, presents the client certificate
    status, body = axys_mock.get(info, "/v2/cardholders")
"""
import json
import os
import ssl
import subprocess
import tempfile
import time
import urllib.request


def ready(command=("npx", "axys-mock"), timeout=30.0):
    """The ready JSON of the mock `axys-mock exec` started (AXYS_MOCK_READY_FILE), or of a new one.

    A new mock runs on free ports, in memory; stop it with `info["stop"]()`.
    """
    path = os.environ.get("AXYS_MOCK_READY_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            info = json.load(f)
        info["stop"] = lambda: None
        return info
    folder = tempfile.mkdtemp(prefix="axys-mock-")
    path = os.path.join(folder, "ready.json")
    proc = subprocess.Popen(
        [*command, "--port", "0", "--control-port", "0", "--in-memory", "--log-level", "silent", "--ready-file", path],
    )
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None:
            raise RuntimeError(f"axys-mock exited with {proc.returncode} before it was ready")
        if time.monotonic() > deadline:
            proc.kill()
            raise TimeoutError("axys-mock was not ready in time")
        time.sleep(0.05)
    with open(path, encoding="utf-8") as f:
        info = json.load(f)

    def stop():
        proc.terminate()
        proc.wait(10)

    info["stop"] = stop
    return info


def ssl_context(info, program=None):
    """Trusts the mock's CA and presents the client certificate of the default program (or `program`)."""
    entry = info if program is None else next(p for p in info["programs"] if p["programId"] == program)
    ctx = ssl.create_default_context(cafile=info["ca"])
    ctx.load_cert_chain(entry["cert"], entry["key"])
    return ctx


def get(info, path, api_key=None):
    """GET on the platform API: (status, parsed JSON body)."""
    request = urllib.request.Request(info["apiUrl"] + path, headers={"X-API-Key": api_key or info["apiKey"]})
    try:
        with urllib.request.urlopen(request, context=ssl_context(info), timeout=10) as res:
            return res.status, json.load(res)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def control(info, method, path, body=None):
    """A control-plane call (plain HTTP): parsed JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(info["controlUrl"] + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as res:
        return json.load(res)
