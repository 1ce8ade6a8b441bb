"""Components: functions that take plain data (or vars of it) and return rx.Component."""
