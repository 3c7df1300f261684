// Package demo fills a database with a realistic, deterministic history: two releases,
// four modules, about thirty jobs each and a few thousand tests per module, with
// regressions and fixes, flaky tests, a test that has failed for many builds, failures
// that share a cause, tests added and removed, and durations that drift. The desktop app
// uses it for its first run, its screenshots and its tests; the same seed always gives
// the same history.
package demo

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
)

// Releases and Modules are the demo's names; Jobs the number of jobs per module of each
// release.
var (
	Releases = []string{"6.4", "7.0"}
	Modules  = []string{"vpn", "ike", "routing", "dns"}
	Jobs     = map[string]int{"6.4": 30, "7.0": 28}
)

// LongFailing is the test of every module that fails from job FailingFrom of release
// 7.0 on.
const (
	LongFailingClass = "com.example.%s.LegacyCompatTest"
	LongFailingName  = "testLegacyHandshake"
	FailingFrom      = 9
)

// Fill imports the demo history into st, reporting each job to progress (which may be
// nil). It stops at the first job that exists already.
func Fill(ctx context.Context, st importer.Store, progress func(core.Job)) error {
	for _, rel := range Releases {
		for _, mod := range Modules {
			m := newModule(rel, mod)
			for n := 1; n <= Jobs[rel]; n++ {
				ref := core.JobRef{ModuleRef: core.ModuleRef{Release: rel, Module: mod}, Number: int64(n)}
				job, err := importJob(ctx, st, ref, m)
				if err != nil {
					return err
				}
				if progress != nil {
					progress(job)
				}
			}
		}
	}
	return nil
}

func importJob(ctx context.Context, st importer.Store, ref core.JobRef, m *module) (core.Job, error) {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriter(pw)
		m.writeJob(bw, int(ref.Number))
		pw.CloseWithError(bw.Flush())
	}()
	job, err := importer.ImportReader(ctx, st, "demo "+ref.String(), pr, 0, importer.Options{Job: ref})
	pr.Close()
	return job, err
}

// test is one test of a module and how it behaves over the jobs.
type test struct {
	class, name string
	duration    float64 // seconds, in the first job
	drift       float64 // relative growth of the duration per job
	firstJob    int     // job that adds it
	lastJob     int     // job after which it is removed (0: never)
	flaky       float64 // chance to fail in a job, for flaky tests
	marks       bool    // flaky test that passes on a Surefire rerun instead of failing
	skipped     bool
	gateway     bool // fails when the module's gateway is down
}

type module struct {
	rel, mod string
	tests    []test
	// broken: test index -> the job it breaks in and the job it is fixed in.
	breaks map[int][2]int
	// gatewayDown: the jobs where a shared cause fails all gateway tests.
	gatewayDown map[int]bool
	seed        uint64
}

var (
	features = map[string][]string{
		"vpn":     {"Tunnel", "Rekey", "Failover", "SplitTunnel", "Certificate", "Mtu", "Keepalive", "Policy"},
		"ike":     {"Proposal", "Dpd", "Nat", "Auth", "Fragment", "Cookie", "Rekey", "Eap"},
		"routing": {"Static", "Ospf", "Bgp", "Pbr", "Ecmp", "Redistribute", "Multicast", "Vrf"},
		"dns":     {"Resolver", "Cache", "Dnssec", "Forwarder", "Split", "Doh", "Zone", "Negative"},
	}
	verbs = []string{"connects", "retries", "expires", "renews", "rejects", "accepts", "recovers", "scales",
		"handlesTimeout", "logs", "rotates", "negotiates"}
)

func seedOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func newModule(rel, mod string) *module {
	m := &module{rel: rel, mod: mod, breaks: map[int][2]int{}, gatewayDown: map[int]bool{}, seed: seedOf(rel, mod)}
	rng := rand.New(rand.NewPCG(m.seed, 1))
	jobs := Jobs[rel]
	for fi, feat := range features[mod] {
		for variant := range 5 {
			class := fmt.Sprintf("com.example.%s.%s%sTest", mod, feat, []string{"", "Integration", "Stress", "Upgrade", "Config"}[variant])
			for i := range 60 + rng.IntN(40) {
				t := test{
					class:    class,
					name:     fmt.Sprintf("%s_%s%03d", verbs[(i+fi)%len(verbs)], strings.ToLower(feat[:1])+feat[1:], i),
					duration: 0.005 + rng.ExpFloat64()*0.3,
					firstJob: 1,
					gateway:  variant == 1 && i%10 == 0,
				}
				switch x := rng.Float64(); {
				case x < 0.08:
					t.firstJob = 2 + rng.IntN(jobs-2) // added later
				case x < 0.11:
					t.lastJob = 3 + rng.IntN(jobs-4) // removed later
				case x < 0.13:
					t.skipped = true
				}
				if rng.Float64() < 0.1 {
					t.drift = 0.01 + rng.Float64()*0.04
				}
				m.tests = append(m.tests, t)
			}
		}
	}
	// A handful of flaky tests, some of which pass on a rerun with a Surefire mark.
	for i := range 8 {
		t := &m.tests[rng.IntN(len(m.tests))]
		t.flaky, t.marks, t.skipped, t.firstJob, t.lastJob = 0.25+0.05*float64(i%4), i%3 == 0, false, 1, 0
	}
	// The test that has failed for many builds (in 7.0).
	m.tests = append(m.tests, test{class: fmt.Sprintf(LongFailingClass, mod), name: LongFailingName, duration: 2.5, firstJob: 1})
	// Regressions that are fixed a few jobs later, and some never fixed.
	for range 6 + rng.IntN(6) {
		i := rng.IntN(len(m.tests) - 1)
		from := 2 + rng.IntN(jobs-1)
		to := from + 1 + rng.IntN(5)
		if rng.Float64() < 0.2 {
			to = math.MaxInt
		}
		m.breaks[i] = [2]int{from, to}
	}
	for j := 2; j <= jobs; j++ {
		if rng.Float64() < 0.15 {
			m.gatewayDown[j] = true
		}
	}
	return m
}

// outcome decides one test's result in job n.
func (m *module) outcome(i int, t *test, n int, rng *rand.Rand) (core.Status, bool, string, string) {
	switch {
	case t.class == fmt.Sprintf(LongFailingClass, m.mod) && m.rel == "7.0" && n >= FailingFrom:
		return core.Failed, false, "expected handshake version <2> but was <3>", "org.opentest4j.AssertionFailedError"
	case t.skipped || (t.flaky == 0 && rng.Float64() < 0.004):
		return core.Skipped, false, "requires a lab with IPv6", ""
	case t.gateway && m.gatewayDown[n]:
		return core.Error, false, fmt.Sprintf("java.net.ConnectException: Connection refused: gateway-%d.lab:%d", 1+rng.IntN(4), 4500+rng.IntN(3)),
			"java.net.ConnectException"
	}
	if b, ok := m.breaks[i]; ok && n >= b[0] && n < b[1] {
		return core.Failed, false, fmt.Sprintf("expected: <%d> but was: <%d>", 200, 500+rng.IntN(4)), "org.opentest4j.AssertionFailedError"
	}
	if t.flaky > 0 && rng.Float64() < t.flaky {
		if t.marks {
			return core.Passed, true, "", ""
		}
		return core.Failed, false, fmt.Sprintf("Timed out after %d ms waiting for %q", 1000+rng.IntN(4000), "tunnel up"),
			"java.util.concurrent.TimeoutException"
	}
	return core.Passed, false, "", ""
}

// writeJob writes job n of the module as a Surefire-style report.
func (m *module) writeJob(w *bufio.Writer, n int) {
	rng := rand.New(rand.NewPCG(m.seed, uint64(n)+2))
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"%s %s build %d\">\n", m.mod, m.rel, n)
	class := ""
	for i := range m.tests {
		t := &m.tests[i]
		if n < t.firstJob || (t.lastJob > 0 && n > t.lastJob) {
			continue
		}
		if t.class != class {
			if class != "" {
				w.WriteString("  </testsuite>\n")
			}
			class = t.class
			fmt.Fprintf(w, "  <testsuite name=%q>\n", class)
		}
		status, flaky, msg, typ := m.outcome(i, t, n, rng)
		d := t.duration * math.Pow(1+t.drift, float64(n-1)) * (0.9 + 0.2*rng.Float64())
		fmt.Fprintf(w, "    <testcase classname=%q name=%q time=\"%.3f\"", t.class, t.name, d)
		switch {
		case status == core.Passed && !flaky:
			w.WriteString("/>\n")
			continue
		case flaky:
			fmt.Fprintf(w, ">\n      <flakyFailure message=\"%s\" type=\"java.util.concurrent.TimeoutException\"/>\n", escape("Timed out waiting for tunnel up"))
		case status == core.Skipped:
			fmt.Fprintf(w, ">\n      <skipped message=\"%s\"/>\n", escape(msg))
		default:
			tag := "failure"
			if status == core.Error {
				tag = "error"
			}
			fmt.Fprintf(w, ">\n      <%s message=\"%s\" type=\"%s\">%s: %s\n\tat %s.%s(%s.java:%d)\n</%s>\n",
				tag, escape(msg), typ, typ, escape(msg), t.class, t.name, t.class[strings.LastIndexByte(t.class, '.')+1:], 40+i%200, tag)
		}
		w.WriteString("    </testcase>\n")
	}
	if class != "" {
		w.WriteString("  </testsuite>\n")
	}
	w.WriteString("</testsuites>\n")
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return escaper.Replace(s) }
