import sys

from .cli import main
from .clitools import run

sys.exit(run(main))
