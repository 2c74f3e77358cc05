"""`python -m cli ...` is `partnerbot ...`."""

import sys

from cli.main import main

sys.exit(main())
