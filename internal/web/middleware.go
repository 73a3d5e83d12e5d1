package web

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gae-lessons/sessions-go/internal/cloudlog"
)

// contentSecurityPolicy allows the pages exactly what they use: the
// stylesheet and scripts from this site (static/race.js; nothing inline,
// no eval), fetches to this site (the race's clicks), forms posting to this
// site, and nothing else — no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// strictTransportSecurity tells a browser to come back over HTTPS only, for
// two years (the preload list asks for at least one). Not includeSubDomains:
// on a custom domain the app does not speak for the domain's other hosts.
const strictTransportSecurity = "max-age=63072000"

// middleware wraps the routes with what every request goes through, outermost
// first: trace and access log, security headers, a body limit, readable 404
// and 405 pages, and cross-origin refusal (http.CrossOriginProtection, then
// refuseForeignOrigin). The deadline of a route's Datastore work is the
// route's own (Handler).
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	var h http.Handler = s.notFound(mux, cop.Handler(refuseForeignOrigin(s, mux)))
	h = limitBody(s, h)
	h = securityHeaders(s.cfg.Secure, h)
	h = s.logRequests(h)
	// The body's bound is set on the server's own writer, outside the
	// access log's wrapper: http.MaxBytesReader tells net/http to close the
	// connection after a body over it only through that writer, and
	// otherwise the server reads up to 256 KiB more before it answers.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		h.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every answer carries, errors and static
// files included; with secure (HTTPS only, as on App Engine), also
// Strict-Transport-Security.
func securityHeaders(secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if secure {
			h.Set("Strict-Transport-Security", strictTransportSecurity)
		}
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// errIncompleteBody is a body that stopped short of its length or its
// last chunk: the client went away or stalled past the ReadTimeout.
var errIncompleteBody = &clientError{http.StatusBadRequest, "The request's body did not arrive whole, so nothing was changed. Send it again."}

// limitBody reads every request body whole, up to maxBody, before any
// handler runs, so that no request changes state on a body that never
// arrived: the handlers that take no form field (POST /counter) would
// otherwise act on the headers alone. A body over maxBody is refused, at
// once when Content-Length says so, else once maxBody bytes are read. A
// body that stops short — the client stalls and then leaves, or the
// http.Server's ReadTimeout ends it — is refused with 400 and the handler
// never runs.
func limitBody(s *Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			// Close the connection rather than drain a body we refuse.
			w.Header().Set("Connection", "close")
			s.fail(w, r, errTooLarge)
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		b, err := io.ReadAll(r.Body) // bounded by maxBody (middleware)
		if err != nil {
			var tooBig *http.MaxBytesError
			if !errors.As(err, &tooBig) {
				err = errIncompleteBody
			}
			s.fail(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		next.ServeHTTP(w, r)
	})
}

// refuseForeignOrigin refuses a state-changing request whose Origin names
// another site, whatever Sec-Fetch-Site says: http.CrossOriginProtection
// trusts Sec-Fetch-Site alone when it is present, and the contract refuses
// either sign of a cross-origin post.
func refuseForeignOrigin(s *Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			// A browser sends one Origin and one Sec-Fetch-Site; several
			// are a forgery, refused whatever the first says.
			if len(r.Header.Values("Sec-Fetch-Site")) > 1 {
				s.fail(w, r, errCrossOrigin)
				return
			}
			for _, o := range r.Header.Values("Origin") {
				if u, err := url.Parse(o); err != nil || u.Host != r.Host || len(r.Header.Values("Origin")) > 1 {
					s.fail(w, r, errCrossOrigin)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// notFound answers unknown paths (404) and known paths with the wrong
// method (405, with the mux's Allow header) in the contract's HTML or JSON
// error form, instead of the mux's plain text.
//
// Unknown paths and methods are answered before the cross-origin check, so
// a foreign PUT learns 405 rather than 403; next serves the known routes.
func (s *Server) notFound(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			// Through the mux (inside next), not h: only the mux sets
			// the path values ({file}) that handlers read.
			next.ServeHTTP(w, r)
			return
		}
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			s.fail(w, r, errMethod)
			return
		}
		s.fail(w, r, errNotFound)
	})
}

// headerProbe records what the mux's own 404 or 405 handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }

// logRequests logs each request with its status and latency at debug level
// (App Engine logs every request already; LOG_LEVEL=debug shows them), and
// carries the Cloud trace id for the handlers' own logs.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = cloudlog.WithTrace(r)
		if !s.log.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		path := r.URL.Path
		if len(path) > 200 {
			path = path[:200] + "..." // a huge path is not worth a huge log line
		}
		s.log.DebugContext(r.Context(), r.Method+" "+path,
			"status", rec.status, "latency_ms", time.Since(start).Milliseconds())
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
