// Package junitgen writes synthetic JUnit reports of any size, deterministically, for
// benchmarks and tests: Surefire-style suites of classes with passing, failing, erroring,
// skipped and flaky cases, stack traces, and optionally one huge <system-out>.
package junitgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/regtracker/regtracker/core"
)

// Spec describes a report to generate.
type Spec struct {
	Cases          int     // test cases in all
	CasesPerClass  int     // default 100
	FailureRate    float64 // share of failed cases, with a stack trace each (default 0.03)
	ErrorRate      float64 // share of errors (default 0.005)
	SkippedRate    float64 // share of skipped cases (default 0.01)
	FlakyRate      float64 // share of passed cases with a <flakyFailure> (default 0.002)
	SystemOutBytes int64   // if > 0, one case carries a <system-out> this long
	Seed           uint64
}

func (s *Spec) defaults() {
	if s.CasesPerClass <= 0 {
		s.CasesPerClass = 100
	}
	if s.FailureRate == 0 {
		s.FailureRate = 0.03
	}
	if s.ErrorRate == 0 {
		s.ErrorRate = 0.005
	}
	if s.SkippedRate == 0 {
		s.SkippedRate = 0.01
	}
	if s.FlakyRate == 0 {
		s.FlakyRate = 0.002
	}
}

var modules = []string{"tunnel", "ike", "routing", "auth", "policy", "crypto", "dns", "ha"}

// Write writes the report to w and returns the counts it contains.
func Write(w io.Writer, spec Spec) (core.Counts, error) {
	spec.defaults()
	bw := bufio.NewWriterSize(w, 256<<10)
	rng := rand.New(rand.NewPCG(spec.Seed, 0x5eed))
	var c core.Counts
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"generated\" tests=\"%d\">\n", spec.Cases)
	bigOut := -1
	if spec.SystemOutBytes > 0 {
		bigOut = spec.Cases / 2
	}
	for i := 0; i < spec.Cases; i++ {
		class := i / spec.CasesPerClass
		if i%spec.CasesPerClass == 0 {
			if i > 0 {
				bw.WriteString("  </testsuite>\n")
			}
			fmt.Fprintf(bw, "  <testsuite name=\"com.example.vpn.%s.Feature%05dTest\" tests=\"%d\" timestamp=\"2026-01-28T04:10:22\">\n",
				modules[class%len(modules)], class, spec.CasesPerClass)
		}
		r := core.Result{Classname: fmt.Sprintf("com.example.vpn.%s.Feature%05dTest", modules[class%len(modules)], class),
			Name: fmt.Sprintf("test%sCase%06d", verbs[i%len(verbs)], i), Duration: float64(rng.IntN(5000)) / 1000}
		fmt.Fprintf(bw, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"", r.Classname, r.Name, r.Duration)
		x := rng.Float64()
		switch {
		case i == bigOut:
			bw.WriteString(">\n      <system-out>")
			writeBigOutput(bw, spec.SystemOutBytes)
			bw.WriteString("</system-out>\n    </testcase>\n")
		case x < spec.FailureRate:
			r.Status = core.Failed
			fmt.Fprintf(bw, ">\n      <failure message=\"expected &lt;%d&gt; but was &lt;%d&gt;\" type=\"org.opentest4j.AssertionFailedError\">", i%7, i%5)
			writeStack(bw, r.Classname, r.Name, i)
			bw.WriteString("</failure>\n    </testcase>\n")
		case x < spec.FailureRate+spec.ErrorRate:
			r.Status = core.Error
			fmt.Fprintf(bw, ">\n      <error message=\"Connection refused: gateway-%d:500\" type=\"java.net.ConnectException\">", i%3)
			writeStack(bw, r.Classname, r.Name, i)
			bw.WriteString("</error>\n    </testcase>\n")
		case x < spec.FailureRate+spec.ErrorRate+spec.SkippedRate:
			r.Status = core.Skipped
			bw.WriteString(">\n      <skipped message=\"requires IPv6\"/>\n    </testcase>\n")
		case x < spec.FailureRate+spec.ErrorRate+spec.SkippedRate+spec.FlakyRate:
			r.Flaky = true
			bw.WriteString(">\n      <flakyFailure message=\"timeout\" type=\"java.util.concurrent.TimeoutException\">")
			writeStack(bw, r.Classname, r.Name, i)
			bw.WriteString("</flakyFailure>\n    </testcase>\n")
		default:
			bw.WriteString("/>\n")
		}
		c.Add(&r)
	}
	if spec.Cases > 0 {
		bw.WriteString("  </testsuite>\n")
	}
	bw.WriteString("</testsuites>\n")
	return c, bw.Flush()
}

var verbs = []string{"Connect", "Rekey", "Failover", "Route", "Resolve", "Authenticate", "Expire", "Renew"}

func writeStack(w *bufio.Writer, class, name string, i int) {
	fmt.Fprintf(w, "org.opentest4j.AssertionFailedError: expected: &lt;%d&gt; but was: &lt;%d&gt;\n", i%7, i%5)
	frames := []string{
		"org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)",
		"org.junit.jupiter.api.AssertEquals.failNotEqual(AssertEquals.java:197)",
		"org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:150)",
		"org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:563)",
	}
	for _, f := range frames {
		fmt.Fprintf(w, "\tat %s\n", f)
	}
	fmt.Fprintf(w, "\tat %s.%s(%s.java:%d)\n", class, name, class[strings.LastIndexByte(class, '.')+1:], 40+i%300)
	for _, f := range []string{"java.base/java.lang.reflect.Method.invoke(Method.java:580)",
		"org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:728)",
		"org.junit.jupiter.engine.execution.MethodInvocation.proceed(MethodInvocation.java:60)",
		"org.junit.jupiter.engine.execution.InvocationInterceptorChain$ValidatingInvocation.proceed(InvocationInterceptorChain.java:131)",
		"org.junit.jupiter.engine.extension.TimeoutExtension.intercept(TimeoutExtension.java:156)",
		"org.junit.platform.engine.support.hierarchical.NodeTestTask.execute(NodeTestTask.java:151)",
		"org.apache.maven.surefire.booter.ForkedBooter.main(ForkedBooter.java:507)"} {
		fmt.Fprintf(w, "\tat %s\n", f)
	}
}

// writeBigOutput writes n bytes of log lines, with entities now and then.
func writeBigOutput(w *bufio.Writer, n int64) {
	line := "2026-01-28 04:10:22.123 DEBUG [tunnel-worker-3] ike: SA payload &lt;proposal #1&gt; accepted, rekey in 3600 s\n"
	for n > 0 {
		s := line
		if int64(len(s)) > n {
			s = strings.Repeat("x", int(n))
		}
		w.WriteString(s)
		n -= int64(len(s))
	}
}
