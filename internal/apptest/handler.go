package apptest

import (
	"io/fs"
	"log/slog"
	"net/http"
	"testing"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/web"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// Config is the app's configuration in tests: the fixed key, the default
// lifetime, and the Datastore namespace ns.
func Config(ns string) web.Config {
	return web.Config{
		SessionKeys: [][]byte{dstest.Key, nil},
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
