"""`python -m retail_segments.report --database segments.duckdb --out report.html`."""

from retail_segments.report import main

raise SystemExit(main())
