"""One module per `redline` verb. A verb module defines:

NAME, HELP, EXAMPLE (a string or a list of them: printed at the end of its --help),
ORDER (position in `redline --help`), add_arguments(parser) and run(args, ctx) -> int.
redline.cli discovers them; tests/test_docs.py checks each is documented in the README.
"""
