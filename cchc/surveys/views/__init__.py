"""Survey pages, one module per concern (being split out of `results.py`, which held them
all as `cchc/surveys/views.py`)."""
