"""``python -m desktop`` runs the Claimdesk command line."""

import sys

from desktop.cli import main

sys.exit(main())
