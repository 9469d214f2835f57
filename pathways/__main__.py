import sys

from services.clitools import run

from .cli import main

sys.exit(run(main))
