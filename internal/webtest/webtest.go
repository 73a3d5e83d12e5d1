// Package webtest builds the app's handler for tests outside package web
// (the root package's, the load benchmark's) as main builds it, signing
// with apptest.Key. Package web's own tests build it in helpers_test.go,
// since they cannot import a package that imports web.
package webtest

import (
	"io/fs"
	"log/slog"
	"net/http"
	"testing"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/apptest"
	"github.com/gae-lessons/sessions-go/internal/web"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// Config is the app's configuration in tests: the fixed key, the default
// lifetime, and the Datastore namespace ns.
func Config(ns string) web.Config {
	return web.Config{
		SessionKeys: [][]byte{apptest.Key, nil},
		MaxAge:      sessionstore.DefaultMaxAge,
		Namespace:   ns,
	}
}

// Handler is the app's handler with cfg on client (nil where no request
// may reach Datastore), its pages from assets (the files main embeds, or
// the repository's), logging nothing.
func Handler(tb testing.TB, cfg web.Config, client *datastore.Client, assets fs.FS) http.Handler {
	tb.Helper()
	srv, err := web.New(cfg, client, slog.New(slog.DiscardHandler), assets)
	if err != nil {
		tb.Fatal(err)
	}
	return srv.Handler()
}
