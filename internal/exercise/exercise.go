// Package exercise checks the lesson's exercises (docs/lesson.md §9) from
// outside, as a student's solution would be seen: it builds the app from a
// working tree, starts it against the Datastore emulator, and drives it over
// HTTP with a cookie jar, as a browser would. Where an exercise is about the
// code itself (exercise 3: where the count of games won goes up), a step
// reads the code with go/parser.
//
// The exercises are data: one table (Exercises), each exercise a list of
// steps. A step either passes (✓ and what it checked) or fails with one
// sentence that says what to look at (✗); a check stops at its first ✗ and
// lists the steps it did not run. The checks accept any reasonable solution:
// they look for behaviour, not for one spelling of it, and where the lesson
// leaves a choice (a count per page in one key each or in a map; a flash
// message in the session or in the redirect) both pass.
//
// Commands: exercises/check (make exercise N=…) checks one exercise or lists
// them all; exercises/verify (make exercises-verify, run by CI) proves that
// every check fails on the unmodified tree and passes with each reference
// solution in exercises/solutions applied.
//
// Limits: a check cannot prove a solution right, only that it behaves as
// the exercise asks in the cases it tries; exercise 9 (a race) and the
// questions (6, 8, 10) are not checked at all.
package exercise

import "fmt"

// Kind says how an exercise is checked.
type Kind int

const (
	// Checked exercises change the app, and Steps check the change.
	Checked Kind = iota
	// Question exercises are answered in words (docs/teaching.md has the
	// answers): there is nothing to check.
	Question
	// Unchecked exercises change the app, but in a way no check can see
	// without chance (NotChecked says why).
	Unchecked
)

// Exercise is one exercise of the lesson's §9.
type Exercise struct {
	N     int
	Title string // as the lesson writes it, in bold
	Kind  Kind
	// NotChecked says why an Unchecked exercise has no check.
	NotChecked string
	Steps      []Step
	// Ways is how many ways the lesson names to solve it, when more than
	// one: exercises/solutions must hold a reference solution for each,
	// and the check must pass them all.
	Ways int
}

// Step is one thing a check looks at.
type Step struct {
	// What the step checks, as its ✓ line says it.
	What string
	// Do checks it. An error is the ✗ line: one sentence that says what
	// went wrong and what to look at (a *Miss, or any error, whose text is
	// then shown as it is).
	Do func(*Run) error
}

// Exercises is every exercise of the lesson's §9, in order.
var Exercises = []Exercise{
	{N: 1, Title: "Reset the count", Steps: resetSteps},
	{N: 2, Title: "Remember the visitor's name", Steps: nameSteps},
	{N: 3, Title: "Count the games won", Steps: wonSteps},
	{N: 4, Title: "Count per page", Steps: perPageSteps, Ways: 2}, // a key per page, or a map
	{N: 5, Title: "A flash message", Steps: flashSteps, Ways: 2},  // in the session, or in the redirect
	{N: 6, Title: "Watch a session expire", Kind: Question},
	{N: 7, Title: "Sign in, with a new id", Steps: signInSteps},
	{N: 8, Title: "Why the hint cannot leak the secret", Kind: Question},
	{N: 9, Title: "Break it on purpose", Kind: Unchecked,
		NotChecked: "a race has no deterministic check: how many clicks are lost changes from run to run"},
	{N: 10, Title: "The secret in a cookie", Kind: Question},
}

// Lookup returns exercise n.
func Lookup(n int) (Exercise, error) {
	for _, e := range Exercises {
		if e.N == n {
			return e, nil
		}
	}
	return Exercise{}, fmt.Errorf("there is no exercise %d: the lesson has exercises 1 to %d", n, len(Exercises))
}

// Checks returns the exercises that have a check.
func Checks() []Exercise {
	var out []Exercise
	for _, e := range Exercises {
		if e.Kind == Checked {
			out = append(out, e)
		}
	}
	return out
}
