"""What a dossier's history and the audit trail say, as sentences an officer reads.

One builder per event kind (counter/transitions.py: EventKind) and per audit action, each
from the event's own detail, so no key or ISO time reaches the screen (issue 15). One word
for each idea: "Trước hạn", "Đúng hạn", "Trễ hạn" wherever timeliness shows.
"""

TIMELINESS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Trễ hạn"}
