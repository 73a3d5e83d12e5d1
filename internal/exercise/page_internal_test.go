package exercise

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testPage = `<!doctype html><html><head><title>won 9 games</title></head><body>
<main><h1>Mastermind</h1>
<p class="status">You won! The secret was found.</p>
<p>You have <strong>won</strong> 2 games.</p>
<ol class="rows"><li><span class="n">1</span> <span class="feedback">1 black, 0 white</span></li></ol>
<form method="post" action="name"><input name="name" value="x"><input type="hidden" name="next" value="/"><button name="go">Save</button></form>
<form action="/search"><input name="q"></form>
</main>
<aside class="panel"><table><tr><td><code>won</code></td><td><code>2</code></td></tr>
<tr><td><code>guessList</code></td><td><code>[1122]</code></td></tr></table>
<p>Ada in the panel</p></aside>
</body></html>`

func TestPage_text(t *testing.T) {
	p, err := parsePage([]byte(testPage))
	if err != nil {
		t.Fatal(err)
	}
	text := p.Text()
	if strings.Contains(text, "Ada") || strings.Contains(text, "won 9") {
		t.Errorf("Text() = %q, want neither the panel nor the title", text)
	}
	if !strings.Contains(text, "You have won 2 games.") {
		t.Errorf("Text() = %q, want the sentence whole across its <strong>", text)
	}
	if all := p.AllText(); !strings.Contains(all, "Ada in the panel") {
		t.Errorf("AllText() = %q, want the panel too", all)
	}
	want := map[string]string{"won": "2", "guessList": "[1122]"}
	got := p.PanelValues()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("PanelValues()[%q] = %q, want %q", k, got[k], v)
		}
	}
}

func TestPage_forms(t *testing.T) {
	p, _ := parsePage([]byte(testPage))
	forms := p.Forms("/counter")
	if len(forms) != 2 {
		t.Fatalf("got %d forms, want 2", len(forms))
	}
	f := forms[0]
	if f.Method != "post" || f.Action != "/name" {
		t.Errorf("form: got %s %s, want post /name (resolved against the page)", f.Method, f.Action)
	}
	if got := nameFieldOf(f); got != "name" {
		t.Errorf("nameFieldOf = %q, want name", got)
	}
	if got := f.values(map[string]string{"name": "Ada"}).Encode(); got != "name=Ada&next=%2F" {
		t.Errorf("values = %q, want the filled field and the hidden one, no button", got)
	}
	if forms[1].Method != "get" {
		t.Errorf("a form without method: got %q, want get", forms[1].Method)
	}
}

func TestSaysWon(t *testing.T) {
	for _, tt := range []struct {
		text string
		n    int
		ok   bool
	}{
		{"You have won 1 game.", 1, true},
		{"Games won: 2", 2, true},
		{"Wins: 3\nYou won! The secret was found.", 3, true},
		{"You have won no games yet.", 0, true},
		{"You won! The secret was found.\n1 black, 0 white", 1, false},
		{"You have won 2 games.", 1, false},
		{"1 game played", 1, false},
	} {
		if _, ok := saysWon(tt.text, tt.n); ok != tt.ok {
			t.Errorf("saysWon(%q, %d) = %v, want %v", tt.text, tt.n, ok, tt.ok)
		}
	}
}

// The session id of the cookie the lesson decodes by hand in §8.
func TestSessionID(t *testing.T) {
	const cookie = "MTc5NTYzNjQ0OXxkdnNfaWFzV3Vub2RiQ3VGRzY2RzhjSUcxWWNNWVBKWjZ2WGJrdjB6UWVBPXxDRc0DI6MfrKr1l8krTeIhh86p4Oj8F7lVXac9LZ3rCg=="
	if got, want := sessionID(cookie), "76fb3f89ab16ba7a1d6c2b851bae86f1c206d5870c60f259eaf5db92fd3341e0"; got != want {
		t.Errorf("sessionID = %s, want %s", got, want)
	}
	if got := sessionID("junk"); got != "junk" {
		t.Errorf("sessionID(junk) = %q, want the value as it is", got)
	}
}

func TestWritesInsideUpdate(t *testing.T) {
	const common = `package web
const keyWon = "won"
func wonOf(sess *Session) int { n, _ := sess.Values[keyWon].(int); return n }
`
	for _, tt := range []struct {
		name, code string
		wantErr    string
	}{
		{"in a function literal", `func (s *Server) h() {
	s.update(w, r, func(sess *Session) error { sess.Values["won"] = wonOf(sess) + 1; return nil })
}`, ""},
		{"in a function passed by name", `func win(sess *Session) error { sess.Values[keyWon] = 1; return nil }
func (s *Server) h() { s.update(w, r, win) }`, ""},
		{"in a function called from inside", `func addWin(sess *Session) { sess.Values[keyWon]++ }
func (s *Server) h() { s.update(w, r, func(sess *Session) error { addWin(sess); return nil }) }`, ""},
		{"after update returns", `func (s *Server) h() {
	sess, _ := s.update(w, r, func(sess *Session) error { return nil })
	sess.Values["won"] = wonOf(sess) + 1
	sess.Save(r, w)
}`, "internal/web/x.go:6"},
		{"nowhere", `func (s *Server) h() {}`, "could not find"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			web := filepath.Join(dir, webDir)
			if err := os.MkdirAll(web, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(web, "x.go"), []byte(common+tt.code), 0o644); err != nil {
				t.Fatal(err)
			}
			err := writesInsideUpdate(dir, "won")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error that says %q", err, tt.wantErr)
			}
		})
	}
}
