package sessionstore

import (
	"runtime"
	"sync"
	"time"
	"weak"

	"github.com/gorilla/sessions"
)

// loadState is what the store remembers about a session between New and
// Save: the bytes it read (to see whether anything changed) and whether the
// read failed. It lives beside the session rather than in its Values, where
// callers iterating over their values would meet it.
type loadState struct {
	data    []byte // encoded values as stored; nil when not stored
	expires time.Time
	failed  bool
}

// loadedStates maps sessions to their loadState without keeping the
// sessions alive: an entry goes when its session is garbage collected.
type loadedStates struct {
	m sync.Map // weak.Pointer[sessions.Session] -> *loadState
}

func (l *loadedStates) set(sess *sessions.Session, st *loadState) {
	k := weak.Make(sess)
	if _, had := l.m.Swap(k, st); !had {
		runtime.AddCleanup(sess, func(k weak.Pointer[sessions.Session]) { l.m.Delete(k) }, k)
	}
}

// get returns the session's state; a session the store never loaded or
// saved has the zero state: not stored, not failed.
func (l *loadedStates) get(sess *sessions.Session) *loadState {
	if st, ok := l.m.Load(weak.Make(sess)); ok {
		return st.(*loadState)
	}
	return &loadState{}
}
