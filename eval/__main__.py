"""`python -m eval ...`: the same as `partnerbot eval ...`."""

import argparse
import sys

from eval.run import configure_parser, run_from_args

parser = argparse.ArgumentParser(prog="python -m eval", description="score the bot against a gold file")
configure_parser(parser)
sys.exit(run_from_args(parser.parse_args()))
