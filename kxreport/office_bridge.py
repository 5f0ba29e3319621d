"""Run by kxreport (``office.Converter``) under a Python that has LibreOffice's UNO bridge
(python3-uno on Debian/Ubuntu, or the Python inside LibreOffice): it connects to the
LibreOffice instance kxreport started and converts documents on request.

Standard library and ``uno`` only: this file runs outside kxreport's environment.
Protocol: one JSON object a line. It first says {"hello": true} as soon as ``uno`` is
loaded (kxreport gives it a few seconds for that: the handshake), then {"ready": true}
once connected to LibreOffice (or {"error": "connect"} when LibreOffice never listens);
then for each {"in": path, "out": path, "filter": name, "data": {…}} it answers
{"ok": true} or {"error": code}: "open" (LibreOffice cannot open the file), "store" (nor
save it in the format asked for), "other"; with "gone": true when the connection to
LibreOffice is lost (LibreOffice died). {"quit": true} or the end of its input ends
LibreOffice and itself. Errors are codes, never LibreOffice's English: kxreport says
them in Chinese.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import Any


def reply(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(pipe: str, start_timeout: float) -> int:
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.lang import DisposedException

    def props(values: dict[str, Any]) -> tuple[Any, ...]:
        found = []
        for name, value in values.items():
            prop = PropertyValue()
            prop.Name, prop.Value = name, value
            found.append(prop)
        return tuple(found)

    reply(hello=True)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + start_timeout
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException until LibreOffice listens
            if time.monotonic() > deadline:
                reply(error="connect")
                return 1
            time.sleep(0.05)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    reply(ready=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        stage = "open"
        try:
            document = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(request["in"]),
                "_blank",
                0,
                props({"Hidden": True, "ReadOnly": True}),
            )
            if document is None:
                reply(error="open")
                continue
            stage = "store"
            try:
                args = {"FilterName": request["filter"], "Overwrite": True}
                if request.get("data"):
                    args["FilterData"] = uno.Any(
                        "[]com.sun.star.beans.PropertyValue", props(request["data"])
                    )
                uno.invoke(
                    document, "storeToURL", (uno.systemPathToFileUrl(request["out"]), props(args))
                )
            finally:
                document.close(True)
        except DisposedException:  # the bridge to LibreOffice is gone with it
            reply(error="other", gone=True)
            continue
        except Exception:  # the document fails
            reply(error=stage)
            continue
        reply(ok=True)
    with contextlib.suppress(Exception):  # already gone
        desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
