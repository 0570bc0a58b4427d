"""The province's side (cấp tỉnh): import every unit's export files, then report.

Works on a database of its own that was never set up as a unit.
"""
