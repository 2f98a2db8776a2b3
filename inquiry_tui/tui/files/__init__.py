"""Files: the cloud disk (`6`), saving and attaching files, and how a file is shown."""

from pathlib import Path

FILES_CSS = Path(__file__).parent / "files.tcss"  # the stylesheet of the disk screen and the file dialogs
