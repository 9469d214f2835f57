import sys

from services.clitools import run

from .cli import main

if __name__ == "__main__":  # guarded, as in services/ and pathways/
    sys.exit(run(main))
