"""PAR INDEX pages. `rankings` holds them all for now (the next change splits it by concern);
`cchc/reform/urls.py` points at it directly."""
