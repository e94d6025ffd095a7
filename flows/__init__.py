"""Prefect flows. They wire stages together and hold no logic of their own:
flows/pipeline.py is the polling pass, flows/tasks.py the task wrappers around stages."""
