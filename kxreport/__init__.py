"""kxreport: 科协年度工作总结与工作要点生成器."""

import os

# pydantic looks up plugins through package metadata on import (about 10 ms of every
# command); kxreport uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

__version__ = "0.1.0"
