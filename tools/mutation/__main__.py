import sys

from tools.mutation.command import main

sys.exit(main(sys.argv[1:]))
