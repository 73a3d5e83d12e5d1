package mastermind

// BuildTable exposes the score-table builder so that its cost can be
// benchmarked; the package itself builds the table once, on first use.
var BuildTable = func() { buildTable() }

// TableFeedback reads the solver's score table, so that tests can check it
// against Score.
func TableFeedback(guess, secret int) Feedback {
	s := int(table()[guess][secret])
	return Feedback{Black: s / (Pegs + 1), White: s % (Pegs + 1)}
}
