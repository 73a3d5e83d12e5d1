package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The figures of docs/deploy.md's "What it can cost" are computed here, from
// the results file of `make bench-rates` (docs/rates.json) and the prices
// below, into the blocks between <!-- cost:NAME --> and <!-- /cost:NAME -->.
// The test fails when the document and the computation disagree; with
// -update it writes the blocks again:
//
//	go test -run TestCost -update .
var update = flag.Bool("update", false, "TestCost: write docs/deploy.md's computed blocks again")

// Prices, multi-region (nam5, eur3), as the section's table states them.
const (
	pricePerRead          = 0.06 / 100_000
	pricePerWrite         = 0.18 / 100_000
	pricePerDelete        = 0.02 / 100_000
	pricePerGiBSent       = 0.12
	pricePerGiBMonth      = 0.18
	f1HourLow, f1HourHigh = 0.05, 0.06
	maxInstances          = 2 // app.yaml's cap; TestAppYAML_capsInstances checks it
	day                   = 86_400
	gib                   = 1 << 30
	// classEvery is /class's sharing of one reading per instance (5 s).
	classEvery = 5
)

// rateFile is docs/rates.json, as internal/loadtest's BenchmarkRates writes it.
type rateFile struct {
	Measured, Commit, Machine, Go, Emulator, Benchtime string
	Runs                                               int
	Routes                                             []rate
}

type rate struct {
	Name, Request                                       string
	Clients                                             int
	PerSecond, BytesPerRequest                          float64
	ReadsPerRequest, WritesPerRequest                   float64
	DeletesPerRequest, QueriesPerRequest, ReadsPerQuery float64
}

func (r rate) datastorePerRequest() float64 {
	return r.ReadsPerRequest*pricePerRead + r.WritesPerRequest*pricePerWrite + r.DeletesPerRequest*pricePerDelete
}

// dayDatastore is what a day of the route at its rate costs one instance in
// Datastore operations: /class's query runs once per classEvery seconds
// whatever the views.
func (r rate) dayDatastore() float64 {
	if r.QueriesPerRequest > 0 {
		return day / classEvery * r.ReadsPerQuery * pricePerRead
	}
	return r.PerSecond * day * r.datastorePerRequest()
}

func (r rate) dayBytes() float64 {
	return r.PerSecond * day * r.BytesPerRequest / gib * pricePerGiBSent
}

func TestCost_deployDocFollowsFromTheRates(t *testing.T) {
	var f rateFile
	b, err := os.ReadFile("docs/rates.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("docs/rates.json: %v", err)
	}
	doc, err := os.ReadFile("docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, price := range []string{"$0.06 per 100,000", "$0.18 per 100,000", "$0.02 per 100,000", "$0.12 per GiB", "$0.18 per GiB-month", "$0.05–0.06 an hour"} {
		if !strings.Contains(string(doc), price) {
			t.Errorf("docs/deploy.md's prices do not say %q, which the computation uses", price)
		}
	}
	blocks := map[string]string{
		"rates":   ratesBlock(f),
		"hostile": hostileBlock(f),
		"class":   classBlock(t, f),
		"tail":    tailBlock(f),
	}
	text := string(doc)
	for name, want := range blocks {
		re := regexp.MustCompile(`(?s)(<!-- cost:` + name + ` -->\n).*?(<!-- /cost:` + name + ` -->)`)
		m := re.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("docs/deploy.md has no block <!-- cost:%s --> … <!-- /cost:%s -->", name, name)
			continue
		}
		if got := m[0][len(m[1]) : len(m[0])-len(m[2])]; got != want {
			if *update {
				text = strings.Replace(text, m[0], m[1]+want+m[2], 1)
				continue
			}
			t.Errorf("docs/deploy.md's block %q is not what docs/rates.json and the prices give (go test -run TestCost -update . writes it); want:\n%s", name, want)
		}
	}
	if *update {
		if err := os.WriteFile("docs/deploy.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// find returns the route named name.
func find(f rateFile, name string) rate {
	for _, r := range f.Routes {
		if r.Name == name {
			return r
		}
	}
	panic("docs/rates.json has no route " + name)
}

func ratesBlock(f rateFile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `make bench-rates` on %s (commit %s; %s; %s; the %s emulator), medians of %d runs of %s per route, written to [rates.json](rates.json):\n\n",
		f.Measured, f.Commit, f.Machine, f.Go, f.Emulator, f.Runs, f.Benchtime)
	b.WriteString("| Request | Clients at once | Per second, one instance (at most) | Sent per answer | Datastore per request |\n|---|---|---|---|---|\n")
	for _, r := range f.Routes {
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s |\n", r.Request, r.Clients, count(r.PerSecond), size(r.BytesPerRequest), ops(r))
	}
	return b.String()
}

func hostileBlock(f rateFile) string {
	rs := slices.Clone(f.Routes)
	total := func(r rate) float64 { return r.dayDatastore() + r.dayBytes() }
	slices.SortStableFunc(rs, func(a, b rate) int { return cmp.Compare(total(b), total(a)) })
	var b strings.Builder
	fmt.Fprintf(&b, "| Flood of one request, 24 hours, at its rate above | Datastore, one instance | Bytes sent, one instance | At `max_instances: %d` |\n|---|---|---|---|\n", maxInstances)
	for _, r := range rs {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.Request, money(r.dayDatastore()), money(r.dayBytes()), money(maxInstances*total(r)))
	}
	fmt.Fprintf(&b, "| Instances, 24 hours each | | | %s–%s (%d × 24 h × $%.2f–%.2f) |\n\n",
		money(maxInstances*24*f1HourLow), money(maxInstances*24*f1HourHigh), maxInstances, f1HourLow, f1HourHigh)
	worstDS := slices.MaxFunc(f.Routes, func(a, b rate) int { return cmp.Compare(a.dayDatastore(), b.dayDatastore()) })
	worstBytes := slices.MaxFunc(f.Routes, func(a, b rate) int { return cmp.Compare(a.dayBytes(), b.dayBytes()) })
	worst := rs[0]
	fmt.Fprintf(&b, "The dearest flood is `%s`: **%s a day** at the cap (%s of Datastore, %s of bytes sent), plus the instances. "+
		"In Datastore alone the dearest is `%s` (%s a day at the cap); in bytes sent alone, `%s` (%s).\n",
		worst.Request, money(maxInstances*total(worst)), money(maxInstances*worst.dayDatastore()), money(maxInstances*worst.dayBytes()),
		worstDS.Request, money(maxInstances*worstDS.dayDatastore()), worstBytes.Request, money(maxInstances*worstBytes.dayBytes()))
	fmt.Fprintf(&b, "\nIf an F1's quarter of this machine's CPU (a 600-MHz limit against a 2.4–2.6-GHz core) served a quarter of these rates, the dearest flood would cost %s ÷ 4 = %s a day; nothing here measured that.\n",
		money(maxInstances*total(worst)), money(maxInstances*total(worst)/4))
	return b.String()
}

// classBlock prices a class of 30 in a 50-minute lesson from the measured
// operations of each request it makes.
func classBlock(t *testing.T, f rateFile) string {
	const students, minutes = 30, 50
	click, page, game := find(f, "click"), find(f, "counter"), find(f, "new-game")
	race, reset, naive, atomic := find(f, "race"), find(f, "new-race"), find(f, "race-naive"), find(f, "race-atomic")
	classQueries := float64(minutes * 60 / classEvery)
	// A race the browser runs: a reset, then 20 naive clicks and 20 atomic
	// ones.
	browser := rate{ReadsPerRequest: reset.ReadsPerRequest + 20*naive.ReadsPerRequest + 20*atomic.ReadsPerRequest,
		WritesPerRequest: reset.WritesPerRequest + 20*naive.WritesPerRequest + 20*atomic.WritesPerRequest}
	rows := []struct {
		what     string
		requests float64
		reads    float64
		writes   float64
	}{
		{"Clicks, 50 each", students * 50, students * 50 * click.ReadsPerRequest, students * 50 * click.WritesPerRequest},
		{"Page views of a returning visitor, 100 each", students * 100, students * 100 * page.ReadsPerRequest, 0},
		{"Mastermind: 3 games of about 10 guesses each (a guess on a game costs what a new game does)", students * 33, students * 33 * game.ReadsPerRequest, students * 33 * game.WritesPerRequest},
		{"Races, one the server runs and one the browser runs each", students * 2,
			students * (race.ReadsPerRequest + browser.ReadsPerRequest), students * (race.WritesPerRequest + browser.WritesPerRequest)},
		{fmt.Sprintf("`/class` on the projector: a query every %d s, %d live sessions", classEvery, students), classQueries, classQueries * students, 0},
	}
	var b strings.Builder
	b.WriteString("| What | Requests | Entity reads | Entity writes |\n|---|---|---|---|\n")
	var reads, writes float64
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.what, count(r.requests), count(r.reads), count(r.writes))
		reads += r.reads
		writes += r.writes
	}
	fmt.Fprintf(&b, "| **Total** | | **%s** | **%s** |\n", count(reads), count(writes))
	if reads > 50_000 || writes > 20_000 {
		t.Errorf("a class of 30 makes %v reads and %v writes: more than the free quota the section says it stays within", reads, writes)
	}
	return b.String()
}

// tailBlock prices what a day's flood of new sessions at the cap leaves
// stored: each kept for SESSION_MAX_AGE's default, 30 days, at 300–450
// bytes by the storage-size rules (the section says how).
func tailBlock(f rateFile) string {
	r := find(f, "new-session")
	n := maxInstances * r.PerSecond * day
	low, high := n*300/gib, n*450/gib
	return fmt.Sprintf("One day of new sessions at the cap (%s a second per instance) stores about %s sessions, %s–%s GiB: %s–%s a month until they expire, and %s of deletes when the TTL policy removes them.\n",
		count(r.PerSecond), count(n), count(low), count(high), money(low*pricePerGiBMonth), money(high*pricePerGiBMonth), money(n*pricePerDelete))
}

func ops(r rate) string {
	if r.QueriesPerRequest > 0 {
		return fmt.Sprintf("one query of up to %s reads per %d s per instance, however many view", count(r.ReadsPerQuery), classEvery)
	}
	var parts []string
	for _, p := range []struct {
		n    float64
		what string
	}{{r.ReadsPerRequest, "read"}, {r.WritesPerRequest, "write"}, {r.DeletesPerRequest, "delete"}} {
		if p.n > 0 {
			s := "s"
			if p.n == 1 {
				s = ""
			}
			parts = append(parts, fmt.Sprintf("%s %s%s", strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", p.n), "0"), "."), p.what, s))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// count writes n rounded, with thousands separated by commas.
func count(n float64) string {
	s := fmt.Sprintf("%d", int64(math.Round(n)))
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func money(x float64) string {
	if x < 0.005 {
		return "none"
	}
	if x >= 100 {
		return "$" + count(x)
	}
	return fmt.Sprintf("$%.2f", x)
}

func size(bytes float64) string {
	if bytes >= 10_000 {
		return fmt.Sprintf("%s KB", count(bytes/1000))
	}
	return count(bytes) + " B"
}
