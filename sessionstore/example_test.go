package sessionstore_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/sessionstore"
)

// A handler reads and writes the session the gorilla way: Get, change
// Values, Save. Save writes to Datastore only when something changed.
func ExampleNewStore() {
	ctx := context.Background()
	// With DATASTORE_EMULATOR_HOST set, the client talks to the emulator.
	client, err := datastore.NewClient(ctx, "my-project")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	store := sessionstore.NewStore(client, []byte("a-32-byte-signing-key-0123456789"), nil)
	store.Namespace = "example-newstore"

	visit := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := store.Get(r, "session")
		if err != nil {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		name, _ := sess.Values["name"].(string)
		if name == "" {
			sess.Values["name"] = "Ada"
			name = "stranger"
		}
		if err := sess.Save(r, w); err != nil {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "hello, %s", name)
	})

	first := httptest.NewRecorder()
	visit(first, httptest.NewRequest("GET", "/", nil))
	fmt.Println(first.Body)

	again := httptest.NewRequest("GET", "/", nil)
	again.AddCookie(first.Result().Cookies()[0])
	second := httptest.NewRecorder()
	visit(second, again)
	fmt.Println(second.Body)
	// Output:
	// hello, stranger
	// hello, Ada
}

// Update changes a session atomically: concurrent clicks from one visitor
// are all counted.
func ExampleStore_Update() {
	ctx := context.Background()
	client, err := datastore.NewClient(ctx, "my-project")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	store := sessionstore.NewStore(client, []byte("a-32-byte-signing-key-0123456789"), nil)
	store.Namespace = "example-update"

	click := func(cookie *http.Cookie) (*http.Cookie, int) {
		r := httptest.NewRequest("POST", "/counter", nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		sess, err := store.Update(r, w, "session", func(s *sessions.Session) error {
			n, _ := s.Values["count"].(int)
			s.Values["count"] = n + 1
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
		if c := w.Result().Cookies(); len(c) > 0 {
			cookie = c[0]
		}
		return cookie, sess.Values["count"].(int)
	}

	cookie, n := click(nil)
	fmt.Println("clicks:", n)
	_, n = click(cookie)
	fmt.Println("clicks:", n)
	// Output:
	// clicks: 1
	// clicks: 2
}

// Inspect shows what a session cookie holds without showing the cookie:
// a page may print a few characters of the id, never the value.
func ExampleStore_Inspect() {
	ctx := context.Background()
	client, err := datastore.NewClient(ctx, "my-project")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	store := sessionstore.NewStore(client, []byte("a-32-byte-signing-key-0123456789"), nil)
	store.Namespace = "example-inspect"

	r := httptest.NewRequest("POST", "/", nil)
	w := httptest.NewRecorder()
	_, err = store.Update(r, w, "session", func(s *sessions.Session) error {
		s.Values["count"] = 1
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	cookie := w.Result().Cookies()[0]

	info, ok := store.Inspect("session", cookie.Value)
	fmt.Println(ok, len(info.ID), "hex digits of id,", info.MACLength, "bytes of signature")
	_, ok = store.Inspect("session", "not-a-session-cookie")
	fmt.Println(ok)
	// Output:
	// true 64 hex digits of id, 32 bytes of signature
	// false
}
