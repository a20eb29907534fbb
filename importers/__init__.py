"""Sheets in and out, without Flask.

read -> find header -> map columns -> normalise -> validate -> plan -> apply.
One small declarative schema per sheet kind drives both import and export.
"""
