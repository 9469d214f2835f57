"""One module per ``python -m pathways`` subcommand: ``add_arguments(parser)`` and ``run(args)``."""
