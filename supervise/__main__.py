"""`python -m supervise`."""

from supervise.cli import main

if __name__ == "__main__":
    main()
