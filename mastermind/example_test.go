package mastermind_test

import (
	"errors"
	"fmt"

	"github.com/gae-lessons/sessions-go/mastermind"
)

func ExampleScore() {
	secret := mastermind.Code{1, 1, 2, 2}
	for _, guess := range []mastermind.Code{{1, 2, 1, 2}, {2, 2, 1, 1}, {1, 1, 1, 1}} {
		f := mastermind.Score(secret, guess)
		fmt.Printf("%v: %d black, %d white\n", guess, f.Black, f.White)
	}
	// Output:
	// 1212: 2 black, 2 white
	// 2211: 0 black, 4 white
	// 1111: 2 black, 0 white
}

func ExampleParseCode() {
	for _, in := range []string{"1234", "12a4", "1 2 3 4"} {
		c, err := mastermind.ParseCode(in)
		switch {
		case errors.Is(err, mastermind.ErrInvalidCode):
			fmt.Println(err)
		case err != nil:
			fmt.Println("unexpected:", err)
		default:
			fmt.Println("parsed", c)
		}
	}
	// Output:
	// parsed 1234
	// mastermind: "12a4" is not a valid code: use exactly 4 digits, each from 1 to 6 (for example 1122)
	// mastermind: "1 2 3 4" is not a valid code: use exactly 4 digits, each from 1 to 6 (for example 1122)
}

func ExampleHint() {
	game := mastermind.Game{Secret: mastermind.Code{3, 6, 3, 2}}
	for game.Status() == mastermind.Playing {
		guess, remaining, err := mastermind.Hint(game.Turns)
		if err != nil {
			fmt.Println(err)
			return
		}
		turn, err := game.Guess(guess)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%4d possible, hint %v: %d black, %d white\n", remaining, guess, turn.Black, turn.White)
	}
	fmt.Println(game.Status(), "in", len(game.Turns))
	// Output:
	// 1296 possible, hint 1122: 1 black, 0 white
	//  256 possible, hint 1344: 0 black, 1 white
	//   44 possible, hint 3526: 1 black, 2 white
	//    7 possible, hint 1462: 1 black, 1 white
	//    1 possible, hint 3632: 4 black, 0 white
	// won in 5
}

func ExampleGame_Guess() {
	game := mastermind.Game{Secret: mastermind.Code{1, 2, 3, 4}}
	for _, s := range []string{"1122", "1243", "1234", "5555"} {
		guess, err := mastermind.ParseCode(s)
		if err != nil {
			fmt.Println(err)
			return
		}
		turn, err := game.Guess(guess)
		if errors.Is(err, mastermind.ErrGameOver) {
			fmt.Println(s, "refused:", game.Status())
			continue
		}
		fmt.Printf("%v: %d black, %d white, %d turns left\n", turn.Guess, turn.Black, turn.White, game.TurnsLeft())
	}
	// Output:
	// 1122: 1 black, 1 white, 9 turns left
	// 1243: 2 black, 2 white, 8 turns left
	// 1234: 4 black, 0 white, 0 turns left
	// 5555 refused: won
}

// A session keeps the secret and the guesses as typed; the pegs of each
// guess are scored again when the game is rebuilt.
func ExampleReplay() {
	game, err := mastermind.Replay("3632", []string{"1122", "3456"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range game.Turns {
		fmt.Printf("%v: %d black, %d white\n", t.Guess, t.Black, t.White)
	}
	fmt.Println(game.Status(), game.TurnsLeft(), "turns left")

	_, err = mastermind.Replay("3632", []string{"1122", "7777"})
	fmt.Println(errors.Is(err, mastermind.ErrInvalidCode))
	// Output:
	// 1122: 1 black, 0 white
	// 3456: 1 black, 1 white
	// playing 8 turns left
	// true
}
