"""Predicted customer value: BG/NBD purchases (:mod:`.bgnbd`), Gamma-Gamma spend
(:mod:`.gamma_gamma`), discounted CLV (:mod:`.value`) and the tables the dbt
Python models return (:mod:`.tables`)."""
