"""`python -m zqsite ...` runs the command line."""

from zqsite.cli import run

# Guarded: a spawned worker process imports this module again (as __mp_main__) and must not
# run the command a second time.
if __name__ == "__main__":
    run()
