"""Run by kxreport (``office.Converter``) under a Python that has LibreOffice's UNO bridge
(python3-uno on Debian/Ubuntu, or the Python inside LibreOffice): it connects to the
LibreOffice instance kxreport started and converts documents on request.

Standard library and ``uno`` only: this file runs outside kxreport's environment.
Protocol: one JSON object a line. It first answers {"ready": true} (or {"error": …});
then for each {"in": path, "out": path, "filter": name, "data": {…}} it answers
{"ok": true} or {"error": text} (with "gone": true when the connection to LibreOffice is
lost: LibreOffice died); {"quit": true} or the end of its input ends LibreOffice and
itself.
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

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + start_timeout
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception as exc:  # NoConnectException until LibreOffice listens
            if time.monotonic() > deadline:
                reply(error=f"{type(exc).__name__}: {exc}")
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
        try:
            document = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(request["in"]),
                "_blank",
                0,
                props({"Hidden": True, "ReadOnly": True}),
            )
            if document is None:
                reply(error="打不开这个文件（文件损坏，或不是它的扩展名所说的格式）")
                continue
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
        except DisposedException as exc:  # the bridge to LibreOffice is gone with it
            reply(error=f"{type(exc).__name__}: {exc}", gone=True)
            continue
        except Exception as exc:  # the document fails
            reply(error=f"{type(exc).__name__}: {exc}")
            continue
        reply(ok=True)
    with contextlib.suppress(Exception):  # already gone
        desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
