"""ipywidgets for trainers: each builder returns a widget in Jupyter and a static table or
text when there is no live kernel front end (papermill runs, HTML reports)."""
