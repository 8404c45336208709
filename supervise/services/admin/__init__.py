"""The office's own set-up: the user directory and case assignment (``users``), the
working-day calendar (``calendar``), installing and checking (``setup``), and their SQL
(``store``)."""
