package sessionstore

import (
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	const life = 30 * 24 * time.Hour
	now := time.Now()
	var (
		justWritten = now.Add(life)
		notYetDue   = now.Add(life - life/10 + time.Second)
		due         = now.Add(life - life/10 - time.Second)
		expired     = now.Add(-time.Second)
	)
	for _, tc := range []struct {
		name string
		in   saving
		want action
	}{
		{"never stored, no values", saving{ending: true}, remove},
		{"never stored, values", saving{}, write},
		{"stored, ending", saving{ending: true, stored: true, expires: justWritten}, remove},
		{"stored, changed", saving{stored: true, changed: true, expires: justWritten}, write},
		{"stored, changed, renewal due", saving{stored: true, changed: true, expires: due}, write},
		{"stored, unchanged, just written", saving{stored: true, expires: justWritten}, skip},
		{"stored, unchanged, renewal not yet due", saving{stored: true, expires: notYetDue}, skip},
		{"stored, unchanged, renewal due", saving{stored: true, expires: due}, renew},
		{"stored, unchanged, expired since it was read", saving{stored: true, expires: expired}, renew},
		{"no record on this request, ending", saving{ending: true, stored: true, changed: true}, remove},
		{"no record on this request", saving{stored: true, changed: true}, write},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.lifetime = life
			if got := decide(tc.in, now); got != tc.want {
				t.Errorf("decide(%+v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func (a action) String() string {
	return [...]string{skip: "skip", write: "write", renew: "renew", remove: "remove"}[a]
}
