// Command sessions-go is the App Engine lesson on sessions, in Go: a
// per-visitor click counter and a game of Mastermind whose state lives in a
// gorilla session kept in Cloud Datastore (package sessionstore).
//
// It reads its configuration from the environment (PORT,
// GOOGLE_CLOUD_PROJECT, DATASTORE_EMULATOR_HOST, DATASTORE_PROJECT_ID,
// GAE_ENV, SESSION_KEYS, SESSION_MAX_AGE, LOG_LEVEL, CLASS_VIEW, and GOGC
// and GOMEMLIMIT, whose defaults it sets when they are unset; see README.md),
// builds the Datastore client once and serves until SIGTERM, when it
// finishes the requests in flight within 3 seconds and closes the
// connections still busy after that.
package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/cloudlog"
	"github.com/gae-lessons/sessions-go/internal/web"
)

// assets are the files the pages need, handed to package web as they lie in
// the repository: the templates, the static files, and the lesson that
// /lesson shows.
//
//go:embed templates/*.html static docs/lesson.md
var assets embed.FS

// shutdownGrace is how long requests in flight may take after SIGTERM;
// App Engine allows about 3 seconds before it stops the instance, so
// connections still busy then are closed.
// shutdownMargin before that, requests still waiting are cancelled, so they
// answer 503 in time.
const (
	shutdownGrace  = 3 * time.Second
	shutdownMargin = 500 * time.Millisecond
)

// errShuttingDown ends the contexts of requests still in flight when the
// shutdown grace runs out.
var errShuttingDown = errors.New("server shutting down")

func main() {
	started := time.Now()
	tuneGC(os.Getenv)
	cfg, err := loadConfig(os.Getenv)
	logger := cloudlog.New(os.Stderr, cfg.onAppEngine, cfg.project, cfg.logLevel)
	if err != nil {
		logger.Error("configuration: " + err.Error())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, logger, started); err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, cfg config, logger *slog.Logger, started time.Time) error {
	project := cfg.project
	if project == "" {
		project = datastore.DetectProjectID
	}
	// Not ctx: the connection must outlive SIGTERM while requests finish.
	client, err := datastore.NewClient(context.Background(), project, web.DatastoreOptions...)
	if err != nil {
		return fmt.Errorf("datastore client: %w (set GOOGLE_CLOUD_PROJECT, or DATASTORE_EMULATOR_HOST for the emulator)", err)
	}
	defer client.Close()

	srv, err := web.New(cfg.web, client, logger, assets)
	if err != nil {
		return err
	}
	// Handlers' contexts end a little before the shutdown grace does, so a
	// request still waiting on Datastore then answers 503 instead of having
	// its connection cut. The cause tells that apart from a client that
	// hung up, which is no failure at all.
	base, cancelBase := context.WithCancelCause(context.Background())
	defer cancelBase(errShuttingDown)
	l, err := net.Listen("tcp", ":"+cfg.port)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var open atomic.Int64 // connections open, for the log if shutdown cuts some
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      10 * time.Minute, // the cleanup cron may run long
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
		ConnState: func(_ net.Conn, state http.ConnState) {
			switch state {
			case http.StateNew:
				open.Add(1)
			case http.StateHijacked, http.StateClosed:
				open.Add(-1)
			}
		},
	}
	where := "Datastore"
	if cfg.emulator != "" {
		where = "the Datastore emulator at " + cfg.emulator
	}
	logger.Info(fmt.Sprintf("serving on http://localhost:%s with sessions in %s", cfg.port, where),
		"startup_ms", time.Since(started).Milliseconds())

	served := make(chan error, 1)
	go func() { served <- hs.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	time.AfterFunc(shutdownGrace-shutdownMargin, func() { cancelBase(errShuttingDown) })
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		// Still busy after the grace: a client that stopped sending its
		// body, say, which no context can interrupt. Cut it: the instance
		// stops now either way, and a stop that cut a stalled client is
		// still a clean one (exit 0).
		logger.Warn("shutdown: grace period over, closing the connections still open",
			"connections", open.Load(), "error", err)
		hs.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
