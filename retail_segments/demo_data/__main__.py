"""`python -m retail_segments.demo_data --out DIR --lines 500000 --seed 42`."""

from retail_segments.demo_data import main

raise SystemExit(main())
