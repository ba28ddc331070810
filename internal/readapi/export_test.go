package readapi

// setMaxAnswer lowers the read cap, so tests need not send 32 MiB.
func setMaxAnswer(r *Reader, n int64) { r.maxBody = n }

// SetMaxAnswer is setMaxAnswer for the external tests.
var SetMaxAnswer = setMaxAnswer
