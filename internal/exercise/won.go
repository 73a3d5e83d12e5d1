package exercise

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Exercise 3: "You have won N games" on the Mastermind page, counted in
// the session, inside the guess's atomic update.

var wonSteps = []Step{
	{
		What: "you can win a game by following the hints (GET /mastermind/hint, POST /mastermind/guess)",
		Do:   func(r *Run) error { return r.Visitor("you").win() },
	},
	{
		What: "after that win, the Mastermind page says you have won 1 game",
		Do:   func(r *Run) error { return wantWon(r, 1, "after 1 win", "panel1") },
	},
	{
		What: "a new game keeps the count: after POST /mastermind/new the page still says 1",
		Do: func(r *Run) error {
			if err := r.Visitor("you").newGame(); err != nil {
				return err
			}
			return wantWon(r, 1, "after a win and a new game", "")
		},
	},
	{
		What: "a second win makes it 2",
		Do: func(r *Run) error {
			if err := r.Visitor("you").win(); err != nil {
				return err
			}
			return wantWon(r, 2, "after 2 wins", "panel2")
		},
	},
	{
		What: "a lost game does not count: after ten wrong guesses the page still says 2",
		Do: func(r *Run) error {
			extra, err := r.Visitor("you").lose()
			if err != nil {
				return err
			}
			return wantWon(r, 2+extra, "after 2 wins and a lost game", "")
		},
	},
	{
		What: "the count goes up inside the function that handleGuess passes to s.update (read in internal/web)",
		Do: func(r *Run) error {
			key, err := wonKey(r)
			if err != nil {
				return err
			}
			return writesInsideUpdate(r.Root, key)
		},
	},
}

// wantWon wants the Mastermind page to say the visitor has won n games;
// with snapshot set, it keeps the session panel's values under that name
// for wonKey.
func wantWon(r *Run, n int, when, snapshot string) error {
	p, err := r.Visitor("you").page("/mastermind")
	if err != nil {
		return err
	}
	if snapshot != "" {
		r.found[snapshot] = p.PanelValues()
	}
	said, ok := saysWon(p.Text(), n)
	switch {
	case ok:
		return nil
	case said == "":
		return missf(`the Mastermind page does not say how many games you have won (looked, outside the session panel, for a sentence with "won" and the number %d, like "You have won %d game%s"): show it in templates/mastermind.html`, n, n, plural(n))
	case n == 1 && strings.Contains(when, "new game"):
		return missf("%s the Mastermind page says %q, not %d: keep the count in the session, and do not reset it when a game starts (newGame, putGame)", when, said, n)
	default:
		return missf("%s the Mastermind page says %q, not %d: is the count incremented, inside the function handleGuess passes to s.update, exactly when the guess wins?", when, said, n)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

var (
	winWord  = regexp.MustCompile(`(?i)\b(won|wins?|victor(y|ies))\b`)
	sentence = regexp.MustCompile(`[.!?](\s|$)|\n`)
	wordNum  = regexp.MustCompile(`(?i)\b(\d+|no|none|zero|one|once|two|twice|three)\b`)
	numWords = map[string]int{"no": 0, "none": 0, "zero": 0, "one": 1, "once": 1, "two": 2, "twice": 2, "three": 3}
)

// saysWon reports whether text has a sentence about wins with the number
// n in it; said is the first sentence about wins with a number, if any.
// "You won!" alone, which the page says of a won game, has no number.
func saysWon(text string, n int) (said string, ok bool) {
	for _, s := range sentence.Split(text, -1) {
		if !winWord.MatchString(s) {
			continue
		}
		var nums []int
		for _, w := range wordNum.FindAllString(s, -1) {
			if v, err := strconv.Atoi(w); err == nil {
				nums = append(nums, v)
			} else {
				nums = append(nums, numWords[strings.ToLower(w)])
			}
		}
		if len(nums) == 0 {
			continue
		}
		if slices.Contains(nums, n) {
			return strings.TrimSpace(s), true
		}
		if said == "" {
			said = strings.TrimSpace(s)
		}
	}
	return said, false
}

// wonKey finds the session key of the games won: the value the session
// panel showed as 1 after the first win and as 2 after the second.
func wonKey(r *Run) (string, error) {
	p1, _ := r.found["panel1"].(map[string]string)
	p2, _ := r.found["panel2"].(map[string]string)
	var keys []string
	for k, v := range p1 {
		if v == "1" && p2[k] == "2" {
			keys = append(keys, k)
		}
	}
	if len(keys) != 1 {
		return "", missf(`the session panel shows no value that went from 1 to 2 with the wins: keep the count of games won in the session, e.g. sess.Values["won"], as an int`)
	}
	return keys[0], nil
}
