"""`python -m eval ...` is `partnerbot eval ...`."""

import sys

from bot.cli import main

sys.exit(main(["eval", *sys.argv[1:]]))
