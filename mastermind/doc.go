// Package mastermind implements the game used by the sessions lesson:
// the rules of Mastermind, the drawing of a secret code, and a hint that
// follows Knuth's five-guess algorithm.
//
// The player tries to find a secret [Code] of [Pegs] pegs, each one of
// [Colors] colours written as the digits 1 to 6, within [MaxTurns] guesses.
// Every guess is answered with a [Feedback]: one black peg for each peg of
// the right colour in the right place, and one white peg for each further
// peg of a right colour in the wrong place.
//
// The package keeps no game state of its own: a [Game] is a plain value
// made of the secret and the [Turn]s played so far. A web handler keeps
// only the secret and the guesses, as strings of digits, in a session, and
// rebuilds the game from them with [Replay], which scores each guess again;
// the package needs no encoding/gob registration.
//
// Secrets are drawn uniformly from crypto/rand by [GenerateSecret]. [Hint]
// suggests the next guess with Knuth's minimax rule ("The Computer as Master
// Mind", 1976–77) and, followed from the first move, finds every secret in
// at most five guesses.
//
// Limits: the board is fixed at 4 pegs and 6 colours (1296 codes); the
// solver relies on a precomputed score table sized for exactly that board.
// The package does no I/O, logging or storage.
package mastermind
